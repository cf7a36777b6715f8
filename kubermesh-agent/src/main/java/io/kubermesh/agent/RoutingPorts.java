package io.kubermesh.agent;

import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
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
public final class RoutingPorts implements PortListener {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingPorts.class);

    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final TreeSet<String> ports = new TreeSet<>();
    private RoutingDaemon daemon;
    private NodeConfig config;

    public RoutingPorts(ClusterSpec spec, AgentSettings settings) {
        this.spec = spec;
        this.settings = settings;
    }

    @Override
    public synchronized void started(NodeBlock node) {
        Path dir = settings.stateDirectory().resolve("routing");
        NodeConfig config = new NodeConfig(settings.name(), NodeConfig.routerIdFor(node.mac()), List.of(),
                settings.stubName(), Optional.empty(), dir.toAbsolutePath(), spec.routing());
        this.config = config;
        startDaemon();
    }

    /** Starts the daemon; a failure is logged and tried again at the next port change, the agent runs on. */
    private void startDaemon() {
        try {
            Path keyFile = io.kubermesh.controlplane.pki.PkiFiles.routingKey(settings.stateDirectory());
            if (!java.nio.file.Files.isRegularFile(keyFile)) {
                throw new io.kubermesh.api.KubermeshException("no routing key at " + keyFile
                        + ": this machine was not enrolled, and forms no adjacency without it");
            }
            RoutingDaemon d = RoutingDaemons.provider(spec.routing().daemon().id())
                    .create(config.withPorts(new ArrayList<>(ports)).withKey(RoutingKey.read(keyFile)));
            d.start();
            daemon = d;
            LOG.info("routing daemon {} started, router id {}", d.name(), config.routerIdText());
        } catch (RuntimeException e) {
            LOG.error("routing daemon {} did not start: {}; trying again at the next port change",
                    spec.routing().daemon().id(), e.getMessage());
        }
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
    }

    /** The daemon, while it runs. */
    public synchronized Optional<RoutingDaemon> daemon() {
        return Optional.ofNullable(daemon);
    }
}
