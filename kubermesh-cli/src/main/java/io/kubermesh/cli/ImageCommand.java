package io.kubermesh.cli;

import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.image.build.AgentPayload;
import io.kubermesh.image.build.ImageBuilder;
import io.kubermesh.image.build.ImageRequest;
import io.kubermesh.image.build.ImageResult;
import io.kubermesh.image.node.NodeSetup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code kubermesh image ...}: the node OS (docs/image.md). */
@Command(name = "image", mixinStandardHelpOptions = true, description = "The node OS: build it; what a node runs at boot.",
        subcommands = {ImageCommand.Build.class, ImageCommand.NodeSetupCommand.class})
final class ImageCommand extends CommandGroup {

    /** {@code kubermesh image build}: parses, then hands everything to {@link ImageBuilder}. */
    @Command(name = "build", mixinStandardHelpOptions = true,
            description = "Builds the node OS from Debian packages: DIR/usb.img, DIR/netboot/, DIR/manifest.json.")
    static final class Build implements Callable<Integer> {
        @Mixin
        ClusterOptions cluster;

        @Option(names = "--output", paramLabel = "DIR", defaultValue = "kubermesh-image",
                description = "Where usb.img, netboot/ and manifest.json go (default: ${DEFAULT-VALUE}).")
        Path output;

        @Option(names = "--cache", paramLabel = "DIR", defaultValue = ImageRequest.DEFAULT_CACHE,
                description = "The layer cache, reused by later builds (default: ${DEFAULT-VALUE}).")
        Path cache;

        @Option(names = "--agent-jar", paramLabel = "JAR",
                description = "The kubermesh CLI jar to pack, with its lib/ beside it (default: the jar this command runs from).")
        Path agentJar;

        @Override
        public Integer call() throws Exception {
            if (Files.exists(output) && !Files.isDirectory(output)) {
                throw new ConfigurationException("--output", output.toString(), "a directory (or a path that does not exist)");
            }
            ClusterSpec spec = cluster.load();
            String yaml = cluster.yaml(spec);
            Path jar = agentJar != null ? agentJar : runningJar();
            AgentPayload agent = AgentPayload.of(jar);
            if (!"0".equals(Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+")[2]).findFirst().orElse(""))) {
                throw new EnvironmentException("image build needs root (mmdebstrap installs packages as root)",
                        "run it as root: sudo kubermesh image build ...");
            }

            ImageResult r = ImageBuilder.build(new ImageRequest(yaml, cluster.source != null && cluster.source.config != null
                    ? cluster.source.config.toString() : "profile", output, cache, agent, null,
                    line -> System.err.println("kubermesh: " + line)));
            System.out.println(r.usbImage());
            System.out.println(r.netboot());
            System.out.println(r.manifest());
            return 0;
        }

        private static Path runningJar() throws Exception {
            Path self = Path.of(ImageCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(self)) {
                throw new ConfigurationException("--agent-jar", "(none)", "the kubermesh CLI jar to pack: this command does "
                        + "not run from one (" + self + ")");
            }
            return self;
        }
    }

    /** {@code kubermesh image node-setup}: what the node OS runs at boot, before the agent (kubermesh-setup.service). */
    @Command(name = "node-setup", mixinStandardHelpOptions = true,
            description = "On a booted node: mounts its disk, applies its Ignition config, installs itself when netbooted "
                    + "blank, phones home. Run by kubermesh-setup.service; not for a workstation.")
    static final class NodeSetupCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            return NodeSetup.system().run() ? 0 : 1;
        }
    }
}
