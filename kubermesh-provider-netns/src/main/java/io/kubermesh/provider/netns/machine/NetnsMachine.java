package io.kubermesh.provider.netns.machine;

import io.kubermesh.agent.AgentOptions;
import io.kubermesh.agent.AgentProcess;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.provider.netns.firmware.Firmware;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * What a netns machine's JVM runs, started by {@link MachineLauncher} inside the machine's
 * namespace: {@code firmware --state DIR --name NAME} for a blank machine (the firmware stand-in
 * network-boots from the neighbour, installs the cluster file its Ignition config carried, then
 * hands over to the agent as the installed system would), or {@code agent --config FILE --state
 * DIR --name NAME [--etcd-bootstrap]} for a deployed one. The agent is {@link AgentProcess}, the
 * same composition {@code kubermesh agent} runs. A plain main, without picocli's model of every
 * command (a third of a second to most of one in a cold JVM, paid at every join).
 */
public final class NetnsMachine {
    static final int FIRMWARE_TIMEOUT_SECONDS = 120;
    /** Where, in the agent's state directory, the firmware installs the cluster file its Ignition config carried. */
    public static final String INSTALLED_CLUSTER_FILE = "cluster.yaml";

    private NetnsMachine() {
    }

    public static void main(String[] args) {
        try {
            System.exit(command(args).call());
        } catch (KubermeshException e) {
            System.err.println("kubermesh: " + e.getMessage());
            System.exit(1);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }

    /** The firmware or agent run that {@code args} (as the launcher writes them) ask for. */
    static Callable<Integer> command(String[] args) {
        Path config = null;
        Path state = null;
        String name = null;
        boolean etcdBootstrap = false;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--etcd-bootstrap")) {
                etcdBootstrap = true;
                continue;
            }
            if (i + 1 >= args.length) {
                throw usage(args);
            }
            switch (args[i]) {
                case "--config" -> config = Path.of(args[++i]);
                case "--state" -> state = Path.of(args[++i]);
                case "--name" -> name = args[++i];
                default -> throw usage(args);
            }
        }
        if (args.length == 0 || state == null || name == null) {
            throw usage(args);
        }
        if (args[0].equals("firmware") && config == null && !etcdBootstrap) {
            return new FirmwareRun(state, name);
        }
        if (args[0].equals("agent") && config != null) {
            AgentOptions options = AgentOptions.of(config, state, name, etcdBootstrap);
            return () -> AgentProcess.run(options, System.err);
        }
        throw usage(args);
    }

    private static IllegalArgumentException usage(String[] args) {
        return new IllegalArgumentException("usage: firmware --state DIR --name NAME | agent --config FILE --state DIR"
                + " --name NAME [--etcd-bootstrap], not " + String.join(" ", args));
    }

    /** The firmware stand-in, then the agent with the cluster file it installed. */
    record FirmwareRun(Path state, String name) implements Callable<Integer> {
        @Override
        public Integer call() throws IOException, InterruptedException {
            // When the process started (the JVM's own start-up is the time from there to this line).
            Firmware.step(System.out, "started (process started %s)%n", ProcessHandle.current().info().startInstant()
                    .map(Object::toString).orElse("?"));
            AgentPreload.start();
            Firmware.Boot boot;
            try (Rtnetlink netlink = Rtnetlink.open()) {
                boot = Firmware.boot(netlink, System.out, Duration.ofSeconds(FIRMWARE_TIMEOUT_SECONDS));
            }
            // The installed system runs with the cluster file its Ignition config carried.
            Files.createDirectories(state);
            Path installed = state.resolve(INSTALLED_CLUSTER_FILE);
            if (boot.clusterYaml() != null) {
                Files.writeString(installed, boot.clusterYaml());
                // What Ignition writes to /var/lib/kubermesh/pki goes into this machine's state directory, 0600.
                for (var credential : boot.credentials().entrySet()) {
                    writeSecret(state.resolve("pki").resolve(credential.getKey()), credential.getValue());
                }
            } else if (!Files.exists(installed)) {
                throw new SubstrateException("the boot server sent " + name
                        + " to its disk, but nothing is installed there (" + installed + " is missing)");
            }
            Firmware.step(System.out, "handing over to the operating system (kubermesh agent --config %s)%n", installed);
            // From here the agent runs: the machine's supervisor starts it again if it dies.
            Files.writeString(state.resolve(MachineLauncher.HANDED_OVER), ProcessHandle.current().pid() + "\n");
            return AgentProcess.run(AgentOptions.of(installed, state, name, false), System.err);
        }
    }

    /** A file only root may read, written whole (a temporary file renamed over it) in a directory only root may enter. */
    static void writeSecret(Path file, String text) throws IOException {
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path tmp = dir.resolve(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
