package io.kubermesh.cli;

import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.image.build.AgentPayload;
import io.kubermesh.image.build.ImageBuilder;
import io.kubermesh.image.build.ImageRequest;
import io.kubermesh.image.build.ImageResult;
import io.kubermesh.image.node.NodeSetup;
import io.kubermesh.image.write.BlockDevices;
import io.kubermesh.image.write.ImageWriter;
import io.kubermesh.image.write.WriteResult;
import io.kubermesh.image.write.WriteTarget;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubermesh image ...}: the node OS (docs/image.md). */
@Command(name = "image", mixinStandardHelpOptions = true, description = "The node OS: build it; write it to a USB drive; what a node runs at boot.",
        subcommands = {ImageCommand.Build.class, ImageCommand.Write.class, ImageCommand.NodeSetupCommand.class})
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

        @Option(names = "--ipxe-source", paramLabel = "DIR",
                description = "An iPXE source tree (apt-get source ipxe, or a checkout of iPXE) to build kubermesh's "
                        + "IPv6-first loaders from, served by default with Debian's kept in debian/ (default: serve "
                        + "Debian's loaders, which wait about 15 s for DHCPv4 at every iPXE stage).")
        Path ipxeSource;

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
                    ? cluster.source.config.toString() : "profile", output, cache, agent, null, ipxeSource,
                    line -> System.err.println("kubermesh: " + line)));
            System.out.println(r.usbImage());
            System.out.println(r.netboot());
            System.out.println(r.manifest());
            return 0;
        }

        static Path runningJar() throws Exception {
            Path self = Path.of(ImageCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (!Files.isRegularFile(self)) {
                throw new ConfigurationException("--agent-jar", "(none)", "the kubermesh CLI jar to pack: this command does "
                        + "not run from one (" + self + ")");
            }
            return self;
        }
    }

    /**
     * {@code kubermesh image write}: the checks and the copy are {@link ImageWriter}'s; this asks the
     * operator to confirm the device unless {@code --yes}.
     */
    @Command(name = "write", mixinStandardHelpOptions = true,
            description = "Writes the first machine's image (usb.img) onto a USB drive or a file, then reads it back and "
                    + "compares SHA-256. Refuses a mounted device, the disk this host runs from, a partition, a device "
                    + "smaller than the image, and a fixed disk unless --force.")
    static final class Write implements Callable<Integer> {
        @Option(names = "--image", paramLabel = "FILE", defaultValue = "kubermesh-image/usb.img",
                description = "The image to write (default: ${DEFAULT-VALUE}, where image build puts it).")
        Path image;

        @Option(names = "--device", paramLabel = "PATH", required = true,
                description = "The whole block device (/dev/sdX, /dev/disk/by-id/usb-...) or a file to write.")
        Path device;

        @Option(names = "--yes", description = "Do not ask to confirm the device.")
        boolean yes;

        @Option(names = "--force", description = "Write a block device the kernel does not mark removable.")
        boolean force;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter err = spec.commandLine().getErr();
            ImageWriter writer = new ImageWriter(BlockDevices.system(), line -> err.println("kubermesh: " + line));
            WriteTarget target = writer.check(image, device, force);
            if (!yes) {
                err.print("kubermesh: overwrite " + target.describe() + " with " + image + " ("
                        + ImageWriter.size(Files.size(image)) + ")? Everything on it is lost. Type yes: ");
                err.flush();
                String answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                if (System.console() == null) {
                    err.println(); // a piped answer is not echoed: end the question's line
                }
                if (!"yes".equals(answer == null ? null : answer.strip())) {
                    throw new ConfigurationException("--yes", answer == null ? null : answer.strip(),
                            "'yes' typed at the question, or --yes; nothing was written");
                }
            }
            WriteResult r = writer.write(image, target);
            spec.commandLine().getOut().println(r.sha256() + "  " + target.path());
            return 0;
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
