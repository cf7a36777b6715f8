package io.kubermesh.routing.daemon.bird;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.DaemonHealth;
import io.kubermesh.routing.daemon.Neighbour;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.daemon.RoutingDaemonException;
import io.kubermesh.routing.daemon.RoutingKey;
import io.kubermesh.routing.daemon.RoutingKeyring;
import io.kubermesh.routing.daemon.Supervisor;
import io.kubermesh.routing.daemon.internal.StateDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BIRD 2 for one node: one {@code bird -f} process in the node's namespace with its own
 * configuration, control socket and pid file in the node's state directory, under a
 * {@link Supervisor}. Reconfiguration and a new ring of routing keys rewrite the file and send
 * {@code configure}, which BIRD applies softly: interfaces that stay keep their adjacencies.
 */
public final class BirdDaemon implements RoutingDaemon {
    static final String PACKAGE = "bird2";
    private static final Logger LOG = LoggerFactory.getLogger(BirdDaemon.class);

    private volatile NodeConfig config;
    private final Path dir;
    private final Path socket;
    private final Supervisor supervisor;

    public BirdDaemon(NodeConfig config) {
        this.config = config;
        this.dir = config.stateDirectory();
        this.socket = dir.resolve("bird.ctl");
        Path conf = dir.resolve("bird.conf");
        Path pid = dir.resolve("bird.pid");
        List<String> cmd = List.of("-f", "-c", conf.toString(), "-s", socket.toString(), "-P", pid.toString());
        this.supervisor = new Supervisor("bird@" + config.nodeName(), List.of(new Supervisor.Program("bird",
                config.inNamespace(HostRequirements.BIRD.args(cmd)), () -> Files.exists(socket), dir.resolve("bird.out"),
                List.of(socket, pid), PACKAGE, pid)));
    }

    @Override
    public String name() {
        return BirdProvider.NAME;
    }

    @Override
    public NodeConfig config() {
        return config;
    }

    @Override
    public void start() {
        StateDirectory.prepare(dir, null, PACKAGE);
        StateDirectory.write(dir.resolve("bird.conf"), BirdConfig.generate(config), null, PACKAGE);
        supervisor.start();
    }

    /**
     * Writes bird.conf with the ring (so BIRD restarted by the supervisor reads it) and sends
     * {@code configure}. BIRD 2.0.12 applies a change of passwords alone in place, without
     * restarting a protocol: OSPF's {@code ospf_iface_reconfigure} replaces the interface's
     * password list, BFD's {@code bfd_reconfigure_iface} its interface options, passwords included,
     * and both look the passwords up for every packet; so adjacencies and BFD sessions stay up.
     * When BIRD does not take it (it refuses the file and keeps running the old one, or cannot be
     * reached), the old file is written back.
     */
    @Override
    public synchronized void rekey(RoutingKeyring ring) {
        NodeConfig next = config.withKeys(ring);
        String text = BirdConfig.generate(next);
        Path conf = dir.resolve("bird.conf");
        StateDirectory.write(conf, text, null, PACKAGE);
        try (BirdControl c = BirdControl.connect(socket)) {
            c.command("configure");
        } catch (RuntimeException e) {
            StateDirectory.write(conf, BirdConfig.generate(config), null, PACKAGE);
            // Not chained: BIRD's answer is redacted here, the cause's message would not be.
            throw new RoutingDaemonException("bird@" + config.nodeName() + ": BIRD did not take the routing keys " + ring.ids()
                    + ", bird.conf is back to " + config.keys().map(RoutingKeyring::ids).orElse("no key") + ": "
                    + redact(e.getMessage(), next));
        }
        config = next;
        LOG.info("bird@{}: routing keys now {}", config.nodeName(), ring.ids());
    }

    private String redact(String text, NodeConfig next) {
        String out = String.valueOf(text);
        for (NodeConfig c : List.of(config, next)) {
            for (RoutingKey k : c.keys().map(RoutingKeyring::all).orElse(List.of())) {
                out = out.replace(k.ospfKey(), "(redacted)").replace(k.bfdKey(), "(redacted)");
            }
        }
        return out;
    }

    @Override
    public synchronized void reconfigure(List<String> ports) {
        NodeConfig next = config.withPorts(ports);
        StateDirectory.write(dir.resolve("bird.conf"), BirdConfig.generate(next), null, PACKAGE);
        try (BirdControl c = BirdControl.connect(socket)) {
            c.command("configure");
        }
        config = next;
    }

    @Override
    public List<Route> installedRoutes() {
        try (BirdControl c = BirdControl.connect(socket)) {
            return BirdReadback.routes(c.command("show route export " + BirdConfig.KERNEL));
        }
    }

    @Override
    public String diagnostics() {
        StringBuilder out = new StringBuilder();
        try (BirdControl c = BirdControl.connect(socket)) {
            for (String command : List.of("show ospf interface " + BirdConfig.OSPF, "show ospf neighbors " + BirdConfig.OSPF,
                    "show ospf state " + BirdConfig.OSPF, "show ospf lsadb " + BirdConfig.OSPF, "show route")) {
                out.append("$ ").append(command).append('\n');
                c.command(command).lines().forEach(l -> out.append(l.text()).append('\n'));
            }
        }
        return out.toString();
    }

    @Override
    public List<Neighbour> neighbours() {
        try (BirdControl c = BirdControl.connect(socket)) {
            return BirdReadback.neighbours(c.command("show ospf neighbors " + BirdConfig.OSPF));
        }
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
