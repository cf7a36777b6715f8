package io.kubermesh.routing.daemon.bird;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.DaemonHealth;
import io.kubermesh.routing.daemon.Neighbour;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.daemon.Supervisor;
import io.kubermesh.routing.daemon.internal.StateDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * BIRD 2 for one node: one {@code bird -f} process in the node's namespace with its own
 * configuration, control socket and pid file in the node's state directory, under a
 * {@link Supervisor}. Reconfiguration rewrites the file and sends {@code configure}, which BIRD
 * applies softly: interfaces that stay keep their adjacencies.
 */
public final class BirdDaemon implements RoutingDaemon {
    static final String PACKAGE = "bird2";

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
