package io.kubermesh.routing.daemon.frr;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.DaemonHealth;
import io.kubermesh.routing.daemon.Neighbour;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.daemon.Supervisor;
import io.kubermesh.routing.daemon.internal.Command;
import io.kubermesh.routing.daemon.internal.StateDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * FRR for one node: zebra, bfdd and ospf6d in the node's namespace, each with its own
 * configuration file, pid file and vty socket in the node's state directory, talking over the
 * node's own zserv socket, so instances in different namespaces share nothing. The daemons run
 * in the foreground as user {@code frr} under a {@link Supervisor}; read-back goes through
 * {@code vtysh --vty_socket}.
 */
public final class FrrDaemon implements RoutingDaemon {
    static final String PACKAGE = "frr";
    private static final String USER = "frr";
    private static final Duration VTYSH_TIMEOUT = Duration.ofSeconds(10);

    private volatile NodeConfig config;
    private final Path dir;
    private final Supervisor supervisor;

    public FrrDaemon(NodeConfig config) {
        this.config = config;
        this.dir = config.stateDirectory();
        List<Supervisor.Program> programs = new ArrayList<>();
        for (String daemon : List.of("zebra", "bfdd", "ospf6d")) {
            programs.add(program(daemon));
        }
        this.supervisor = new Supervisor("frr@" + config.nodeName(), programs);
    }

    private Supervisor.Program program(String daemon) {
        List<String> cmd = new ArrayList<>(List.of("-F", "datacenter",
                "-f", dir.resolve(daemon + ".conf").toString(),
                "-i", dir.resolve(daemon + ".pid").toString(),
                "--vty_socket", dir.toString(),
                "-z", dir.resolve("zserv.api").toString(),
                "--log", "file:" + dir.resolve(daemon + ".log")));
        if (daemon.equals("bfdd")) {
            cmd.add("--bfdctl");
            cmd.add(dir.resolve("bfdd.sock").toString());
        }
        Path vty = dir.resolve(daemon + ".vty");
        List<Path> stale = new ArrayList<>(List.of(vty, dir.resolve(daemon + ".pid")));
        if (daemon.equals("zebra")) {
            stale.add(dir.resolve("zserv.api"));
        } else if (daemon.equals("bfdd")) {
            stale.add(dir.resolve("bfdd.sock"));
        }
        Requirement.Program binary = switch (daemon) {
            case "zebra" -> HostRequirements.ZEBRA;
            case "bfdd" -> HostRequirements.BFDD;
            default -> HostRequirements.OSPF6D;
        };
        return new Supervisor.Program(daemon, config.inNamespace(binary.args(cmd)), () -> Files.exists(vty),
                dir.resolve(daemon + ".out"), stale, PACKAGE, dir.resolve(daemon + ".pid"));
    }

    @Override
    public String name() {
        return FrrProvider.NAME;
    }

    @Override
    public NodeConfig config() {
        return config;
    }

    @Override
    public void start() {
        StateDirectory.prepare(dir, USER, PACKAGE);
        writeFiles(config);
        supervisor.start();
    }

    private void writeFiles(NodeConfig node) {
        FrrConfig.Files files = FrrConfig.generate(node);
        StateDirectory.write(dir.resolve("zebra.conf"), files.zebra(), USER, PACKAGE);
        StateDirectory.write(dir.resolve("bfdd.conf"), files.bfdd(), USER, PACKAGE);
        StateDirectory.write(dir.resolve("ospf6d.conf"), files.ospf6d(), USER, PACKAGE);
    }

    /**
     * Writes the new files (used if the daemons restart) and applies the difference through
     * {@code vtysh}: only added and removed ports are touched, so adjacencies on the other ports
     * stay up.
     */
    @Override
    public synchronized void reconfigure(List<String> ports) {
        NodeConfig next = config.withPorts(ports);
        Set<String> added = new LinkedHashSet<>(next.ports());
        added.removeAll(config.ports());
        Set<String> removed = new LinkedHashSet<>(config.ports());
        removed.removeAll(next.ports());
        writeFiles(next);
        List<String> commands = new ArrayList<>();
        commands.add("configure terminal");
        for (String port : removed) {
            commands.addAll(FrrConfig.removePortCommands(port));
        }
        for (String port : added) {
            commands.addAll(FrrConfig.addPortCommands(next, port));
        }
        if (!added.isEmpty() || !removed.isEmpty()) {
            vtysh(commands);
        }
        config = next;
    }

    @Override
    public List<Route> installedRoutes() {
        return FrrReadback.routes(vtysh(List.of("show ipv6 route ospf6 json")));
    }

    /**
     * The routes ospf6d computed, with every next hop it found, whether or not zebra installed
     * them: {@link #installedRoutes} minus this is what was lost between ospf6d and the kernel.
     */
    public List<Route> computedRoutes() {
        return FrrReadback.computedRoutes(vtysh(List.of("show ipv6 ospf6 route json")));
    }

    @Override
    public List<Neighbour> neighbours() {
        return FrrReadback.neighbours(vtysh(List.of("show ipv6 ospf6 neighbor json")));
    }

    private String vtysh(List<String> commands) {
        List<String> cmd = new ArrayList<>(List.of("--vty_socket", dir.toString()));
        for (String c : commands) {
            cmd.add("-c");
            cmd.add(c);
        }
        return Command.run(HostRequirements.VTYSH.args(cmd), VTYSH_TIMEOUT, PACKAGE);
    }

    @Override
    public DaemonHealth health() {
        return supervisor.health();
    }

    @Override
    public int adopted() {
        return supervisor.adopted();
    }

    @Override
    public List<Long> processIds() {
        return supervisor.pids();
    }

    @Override
    public void stop() {
        supervisor.stop();
    }

    @Override
    public void close() {
        supervisor.close();
    }
}
