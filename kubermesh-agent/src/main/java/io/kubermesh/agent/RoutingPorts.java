package io.kubermesh.agent;

import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.daemon.DaemonHealth;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingKey;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.daemon.RoutingDaemons;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the cluster's routing daemon (FRR by default, or BIRD) for this node, authenticating with
 * the cluster routing key ({@code STATE/pki/routing.key}; without it no daemon runs): started with the
 * stub interface once the node has its addresses, told of every port that comes and goes (it
 * keeps its adjacencies on the others), stopped with the agent so no daemon process or kernel
 * route outlives it.
 */
public final class RoutingPorts implements PortListener, StatusContributor {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingPorts.class);

    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final TreeSet<String> ports = new TreeSet<>();
    private final ComponentHealth health = new ComponentHealth("routing", java.time.Clock.systemUTC());
    private RoutingDaemon daemon;
    private NodeConfig config;

    public RoutingPorts(ClusterSpec spec, AgentSettings settings) {
        this.spec = spec;
        this.settings = settings;
    }

    @Override
    public List<Preflight.Need> requirements() {
        return Preflight.routing(spec);
    }

    @Override
    public synchronized void started(NodeBlock node) {
        Path dir = settings.stateDirectory().resolve("routing");
        NodeConfig config = new NodeConfig(settings.name(), NodeConfig.routerIdFor(node.mac()), List.of(),
                settings.stubName(), Optional.empty(), dir.toAbsolutePath(), spec.routing());
        this.config = config;
        startDaemon();
    }

    /**
     * Starts the daemon (or adopts its processes, still running from an agent that died); a
     * failure is logged, shown as the {@code routing} component's error, and tried again at the
     * next port change; the agent runs on.
     */
    private void startDaemon() {
        List<Preflight.Missing> missing = Preflight.missing(requirements());
        if (!missing.isEmpty()) {
            String error = missing.get(0).reason() + "; to fix: " + Preflight.remedy(missing);
            health.failed(error);
            LOG.error("routing daemon {} cannot start: {}", spec.routing().daemon().id(), error);
            return;
        }
        try {
            Path keyFile = io.kubermesh.controlplane.pki.PkiFiles.routingKey(settings.stateDirectory());
            if (!java.nio.file.Files.isRegularFile(keyFile)) {
                throw new io.kubermesh.api.KubermeshException("no routing key at " + keyFile
                        + ": this machine was not enrolled, and forms no adjacency without it; netboot it from the"
                        + " cluster so enrolment gives it (kubermesh approve MAC when the policy is approve), or, on the"
                        + " first machine, start the agent with --etcd-bootstrap, which makes it");
            }
            RoutingDaemon d = RoutingDaemons.provider(spec.routing().daemon().id())
                    .create(config.withPorts(new ArrayList<>(ports)).withKey(RoutingKey.read(keyFile)));
            d.start();
            daemon = d;
            LOG.info("routing daemon {} started, router id {}{}", d.name(), config.routerIdText(),
                    d.adopted() > 0 ? " (" + d.adopted() + " process(es) adopted from the previous agent)" : "");
        } catch (RuntimeException e) {
            health.failed(e.getMessage());
            LOG.error("routing daemon {} did not start: {}; trying again at the next port change",
                    spec.routing().daemon().id(), e.getMessage());
        }
    }

    @Override
    public NodeStatus contribute(NodeStatus status) {
        RoutingDaemon d;
        synchronized (this) {
            d = daemon;
        }
        if (d != null) {
            DaemonHealth h = d.health();
            String what = d.name() + ", pids " + d.processIds() + (d.adopted() > 0 ? ", " + d.adopted() + " adopted" : "")
                    + (d.repairs() > 0 ? ", " + d.repairs() + " stale route repair(s)" : "");
            switch (h.status()) {
                case RUNNING -> {
                    health.running(what);
                    health.error(h.detail().isEmpty() ? null : h.detail());
                }
                case STARTING, RESTARTING -> {
                    health.starting(what);
                    health.error(h.detail().isEmpty() ? null : h.detail());
                }
                case FAILED -> health.failed(h.detail());
                case STOPPED -> health.off("stopped");
            }
        }
        return status.withComponents(List.of(health.view()));
    }

    @Override
    public synchronized void portUp(PortPrefix port) {
        if (ports.add(port.interfaceName())) {
            apply();
        }
    }

    @Override
    public synchronized void portDown(PortPrefix port) {
        if (ports.remove(port.interfaceName())) {
            apply();
        }
    }

    private void apply() {
        if (daemon == null) {
            if (config != null) {
                startDaemon();
            }
            return;
        }
        daemon.reconfigure(new ArrayList<>(ports));
    }

    @Override
    public synchronized void stopped() {
        if (daemon != null) {
            daemon.stop();
            daemon = null;
        }
        health.off("the agent stopped");
    }

    /** The daemon, while it runs. */
    public synchronized Optional<RoutingDaemon> daemon() {
        return Optional.ofNullable(daemon);
    }
}
