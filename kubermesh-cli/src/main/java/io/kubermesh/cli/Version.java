package io.kubermesh.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * The release and the git commit the CLI was built from, written into
 * {@code io/kubermesh/cli/version.properties} by the build; "development" and "unknown commit"
 * when run from sources that were not built by Maven.
 */
final class Version implements IVersionProvider {
    static final String RESOURCE = "version.properties";

    @Override
    public String[] getVersion() {
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // no build information: said below
        }
        String version = p.getProperty("version", "development");
        String commit = p.getProperty("commit", "");
        return new String[] {"kubermesh " + version + " (commit " + (commit.isBlank() || commit.startsWith("$")
                ? "unknown" : commit) + ")", "java " + System.getProperty("java.version") + " "
                + System.getProperty("java.vm.name")};
    }
}
