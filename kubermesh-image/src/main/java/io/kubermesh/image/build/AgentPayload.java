package io.kubermesh.image.build;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.image.internal.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The kubermesh program the image carries: the CLI jar ({@code kubermesh-cli.jar}, whose manifest
 * class path names {@code lib/*.jar}) and the jars of its {@code lib/} directory, as the Maven
 * build of kubermesh-cli leaves them in {@code target/}. The node runs the agent and its setup
 * through it ({@code /usr/bin/kubermesh}). Installed at {@value #HOME}.
 *
 * @param jar the CLI jar
 * @param lib the directory of its dependency jars
 */
public record AgentPayload(Path jar, Path lib) {
    static final String HOME = "opt/kubermesh";

    public AgentPayload {
        if (!Files.isRegularFile(jar)) {
            throw new ConfigurationException("--agent-jar", jar.toString(), "the kubermesh CLI jar (kubermesh-cli/target/kubermesh-cli.jar"
                    + " after mvn package)");
        }
        if (!Files.isDirectory(lib)) {
            throw new ConfigurationException("--agent-jar", jar.toString(), "a jar with its lib/ directory beside it (" + lib + " is missing)");
        }
    }

    /** The jar and the {@code lib/} beside it. */
    public static AgentPayload of(Path jar) {
        return new AgentPayload(jar, jar.toAbsolutePath().getParent().resolve("lib"));
    }

    /** Every jar: the CLI's first, then lib/ sorted by name. */
    List<Path> jars() {
        List<Path> all = new ArrayList<>(List.of(jar));
        try (Stream<Path> s = Files.list(lib)) {
            s.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(all::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all;
    }

    /** name and sha256 of every jar, one a line: the agent layer's cache key text and the manifest's record. */
    String describe() {
        StringBuilder b = new StringBuilder("kubermesh-agent-1\n");
        for (Path j : jars()) {
            b.append(j.equals(jar) ? "kubermesh-cli.jar" : "lib/" + j.getFileName()).append(' ').append(Sha256.of(j)).append('\n');
        }
        return b.toString();
    }

    /** Writes the jars as a cpio archive at {@value #HOME}. */
    void archive(OutputStream out, long epoch) throws IOException {
        var cpio = new io.kubermesh.image.cpio.CpioWriter(out);
        TreeArchive.writeParents(cpio, HOME + "/x", epoch);
        cpio.add(io.kubermesh.image.cpio.CpioEntry.directory(HOME + "/lib", 0755, epoch));
        for (Path j : jars()) {
            String name = j.equals(jar) ? HOME + "/kubermesh-cli.jar" : HOME + "/lib/" + j.getFileName();
            try (var in = Files.newInputStream(j)) {
                cpio.add(io.kubermesh.image.cpio.CpioEntry.file(name, 0644, epoch, Files.size(j)), in);
            }
        }
        cpio.finish();
    }
}
