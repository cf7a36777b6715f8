package io.kubermesh.image.build;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.image.internal.Command;
import io.kubermesh.image.internal.Sha256;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * The agent's Java runtime: {@code jlink} of the building host's JDK 17 with the modules the CLI
 * and its libraries use ({@code jdeps --print-module-deps} over kubermesh-cli.jar and its lib/,
 * plus logging, management, XML, DNS naming, zip file systems, EC crypto for TLS, and jdk.random, the
 * service provider behind {@code RandomGenerator.getDefault()} that jdeps cannot see), without debug
 * data, headers or man pages, with the JDK's class data sharing archive generated so the JVM
 * starts faster (which counts under TCG). Installed at {@value #HOME} in the image.
 */
final class JavaRuntime {
    static final String HOME = "opt/kubermesh/java";
    static final List<String> MODULES = List.of("java.base", "java.compiler", "java.desktop", "java.logging",
            "java.management", "java.naming", "java.net.http", "java.sql", "java.xml", "jdk.crypto.ec", "jdk.httpserver",
            "jdk.jfr", "jdk.unsupported", "jdk.naming.dns", "jdk.zipfs", "jdk.random");
    static final List<String> OPTIONS = List.of("--strip-debug", "--no-header-files", "--no-man-pages",
            "--generate-cds-archive");

    private JavaRuntime() {
    }

    /** The JDK this build links from: the running JVM's home, which must have jmods (a JDK, not a JRE). */
    static Path jdk() {
        Path home = Path.of(System.getProperty("java.home"));
        if (!Files.isDirectory(home.resolve("jmods")) || !Files.isExecutable(home.resolve("bin/jlink"))) {
            throw new EnvironmentException("the image build links the agent's Java runtime from a JDK 17 with jmods, and "
                    + home + " has none", "apt-get install -y openjdk-17-jdk-headless");
        }
        return home;
    }

    /** The cache key text: the JDK's release file, the modules and the options. */
    static String describe(Path jdk) throws IOException {
        return "kubermesh-java-1\n" + Files.readString(jdk.resolve("release")) + "modules " + MODULES + "\noptions "
                + OPTIONS + "\n";
    }

    static void build(Path jdk, Path out, long epoch, int zstdLevel, Consumer<String> log) throws IOException {
        Path runtime = out.resolve("runtime");
        log.accept("java: jlink " + MODULES.size() + " modules from " + jdk);
        Command.of(HostRequirements.JLINK.at(jdk.resolve("bin/jlink").toString(), List.of("--add-modules",
                String.join(",", MODULES), OPTIONS.get(0), OPTIONS.get(1), OPTIONS.get(2), OPTIONS.get(3), "--output",
                runtime.toString()))).run();
        // Only used with compressed oops off, which a node's heap (< 32 GiB) never needs.
        Files.deleteIfExists(runtime.resolve("lib/server/classes_nocoops.jsa"));
        Files.writeString(out.resolve("java-release"), Sha256.of(Files.readString(jdk.resolve("release"))) + "\n");
        try (Zstd z = Zstd.to(out.resolve("java.cpio.zst"), zstdLevel)) {
            OutputStream s = z.stream();
            TreeArchive.write(runtime, HOME, epoch, s);
            s.flush();
        }
        RootLayer.deleteTree(runtime);
    }
}
