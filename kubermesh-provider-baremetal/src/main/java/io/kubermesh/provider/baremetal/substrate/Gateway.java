package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.agent.console.ConsoleLog;
import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.routing.netlink.Rtnetlink;
import io.kubermesh.spi.AgentJvm;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The first machine on this host: a network namespace whose ports {@code clusterI} are this host's
 * NICs moved into it ({@link HostPorts}), or persistent taps with the gateway's NIC MACs for VMs to
 * plug into (each up only while it is powered), and the agent ({@link
 * GatewayAgent}) started in it in a session of its own, its output in {@code console.log}. Its
 * directory keeps {@code cluster.yaml} (the deployment) and {@code state/} (the agent's, with
 * {@code agent.sock}). Stopping it stops the agent's process tree only: whatever else runs in the
 * namespace (a VM plugged into a tap) is not the gateway's to stop.
 */
final class Gateway {
    private final String netns;
    private final Path dir;
    private final Optional<String> image;

    /** @param image the node image directory to serve (option {@code image}), checked when the gateway is deployed */
    Gateway(String netns, Path dir, Optional<String> image) {
        this.netns = netns;
        this.dir = dir;
        this.image = image;
    }

    Path agentState() {
        return dir.resolve("state");
    }

    Path console() {
        return dir.resolve("console.log");
    }

    /** Refuses a namespace of the gateway's name that is there already: it is not this site's gateway. */
    void refuseExisting() {
        if (NetworkNamespaces.exists(netns)) {
            throw new SubstrateException("namespace " + netns + " exists but is not this site's gateway; remove it with "
                    + "`ip netns del " + netns + "` if it is a leftover");
        }
    }

    /** The namespace with loopback up and one tap per NIC, down ({@code baremetal.ports=tap}). */
    void create(List<MacAddress> nics) {
        createNamespace(() -> {
            for (int i = 0; i < nics.size(); i++) {
                String port = PortPrefix.interfaceName(i);
                IpCommand.run("-n", netns, "tuntap", "add", "dev", port, "mode", "tap");
                IpCommand.run("-n", netns, "link", "set", "dev", port, "address", nics.get(i).toString());
            }
        }, () -> NetworkNamespaces.delete(netns));
    }

    /**
     * The namespace with loopback up and this host's NICs {@code ports} moved into it as
     * {@code clusterI}, down ({@code baremetal.ports=host}; {@link HostPorts#claim} judged them
     * free and the caller recorded them). If one cannot be moved, those moved go back first.
     */
    void createOnHostPorts(List<BaremetalState.HostPort> ports) {
        createNamespace(() -> ports.forEach(p -> HostPorts.moveIn(p, netns)), () -> delete(ports));
    }

    private void createNamespace(Runnable ports, Runnable undo) {
        refuseExisting();
        NetworkNamespaces.create(netns);
        try {
            try (Rtnetlink nl = Rtnetlink.open(netns)) {
                nl.setUp("lo", true);
            }
            ports.run();
        } catch (RuntimeException e) {
            try {
                undo.run();
            } catch (RuntimeException u) {
                e.addSuppressed(u);
                throw new SubstrateException(e.getMessage() + "; and undoing it: " + u.getMessage(), e);
            }
            throw e;
        }
    }

    void deploy(String clusterYaml) {
        try {
            Files.createDirectories(dir);
            io.kubermesh.addressing.DurableFile.write(dir.resolve("cluster.yaml"), clusterYaml.getBytes(StandardCharsets.UTF_8));
            // The node OS it serves, where a node's agent finds it (bound from its ESP).
            image.ifPresent(i -> NodeImage.of(i).install(agentState()));
        } catch (IOException e) {
            throw new SubstrateException("cannot deploy the gateway: " + e.getMessage(), e);
        }
    }

    /** Brings the ports up (all but {@code cut}) and starts the agent; returns its process id. */
    long start(String name, boolean etcdBootstrap, List<Integer> cut) {
        setPorts(true);
        cut.forEach(p -> setPort(p, false));
        List<String> args = new ArrayList<>(List.of("--config", dir.resolve("cluster.yaml").toString(), "--state",
                agentState().toString(), "--name", name));
        if (etcdBootstrap) {
            args.add("--etcd-bootstrap");
        }
        if (Files.isDirectory(agentState().resolve(NodeImage.TFTP))) {
            args.addAll(List.of("--tftp-root", agentState().resolve(NodeImage.TFTP).toString()));
        }
        CommandLine inNamespace = HostRequirements.NSENTER.wrapping(List.of("--net=" + NetworkNamespaces.path(netns), "--"),
                AgentJvm.commandLine(GatewayAgent.class, "128m", args));
        CommandLine cmd = HostRequirements.SETSID.wrapping(List.of(), inNamespace);
        try {
            Files.createDirectories(agentState());
            Process p = cmd.processBuilder().redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console().toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return p.pid();
        } catch (IOException e) {
            throw new SubstrateException("cannot start the gateway's agent in " + netns + ": " + e.getMessage(), e);
        }
    }

    boolean running(long pid) {
        return agent(pid).isPresent();
    }

    /**
     * The agent's process, if {@code pid} is still it: a live process whose command line names
     * {@link GatewayAgent} and this gateway's directory (after a reboot the number may be another
     * program's, which must never be signalled).
     */
    private Optional<ProcessHandle> agent(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> commandLine(pid).contains(GatewayAgent.class.getName())
                && commandLine(pid).contains(dir.toString()));
    }

    private static String commandLine(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM to the agent, {@code grace} for it to withdraw what it announced, then SIGKILL to what is left of its tree. */
    void stop(long pid, Duration grace) {
        Optional<ProcessHandle> agent = agent(pid);
        if (agent.isPresent()) {
            List<ProcessHandle> tree = new ArrayList<>(agent.get().descendants().toList());
            tree.add(agent.get());
            agent.get().destroy();
            try {
                agent.get().onExit().get(Math.max(1, grace.toMillis()), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                // still running after the grace: killed below
            }
            tree.forEach(ProcessHandle::destroyForcibly);
        }
        if (NetworkNamespaces.exists(netns)) {
            setPorts(false);
        }
    }

    /**
     * Gives this host's NICs {@code ports} back under their names ({@link HostPorts#giveBack}), then
     * removes the namespace (its taps go with it). A NIC that cannot leave the namespace keeps it;
     * a NIC found nowhere is named in the error, after the namespace is removed.
     */
    void delete(List<BaremetalState.HostPort> ports) {
        List<String> problems = ports.isEmpty() ? List.of() : HostPorts.giveBack(ports, netns);
        NetworkNamespaces.delete(netns);
        if (!problems.isEmpty()) {
            throw new SubstrateException("namespace " + netns + " removed, but not every NIC of this host came back as it was: "
                    + String.join("; ", problems));
        }
    }

    /** The agent's output, as the gateway's console. */
    ConsoleLog consoleLog() {
        return new ConsoleLog(console());
    }

    /** One port up or down administratively: down, the machine cabled to it loses its link (carrier). */
    void setPort(int port, boolean up) {
        try (Rtnetlink nl = Rtnetlink.open(netns)) {
            nl.setUp(PortPrefix.interfaceName(port), up);
        }
    }

    private void setPorts(boolean up) {
        try (Rtnetlink nl = Rtnetlink.open(netns)) {
            for (var link : nl.links()) {
                if (link.name().matches("cluster\\d+")) {
                    nl.setUp(link.name(), up);
                }
            }
        }
    }
}
