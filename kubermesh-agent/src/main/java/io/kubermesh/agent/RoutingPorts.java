package io.kubermesh.agent;

import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.daemon.DaemonHealth;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingKeyring;
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
 *
 * <p>Every {@value #KEY_SYNC_SECONDS} s it reads the cluster's routing keys from etcd
 * ({@link RoutingKeys}); when a roll has moved them, it writes the ring to its key file and hands
 * it to the running daemon, which takes it without losing an adjacency. The {@code routing/key}
 * component shows the ring held ({@code 2 (also accepting 1)}), which is what a roll waits for.
 */
public final class RoutingPorts implements PortListener, StatusContributor {
    private static final Logger LOG = LoggerFactory.getLogger(RoutingPorts.class);

    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final TreeSet<String> ports = new TreeSet<>();
    private final ComponentHealth health = new ComponentHealth("routing", java.time.Clock.systemUTC());
    static final int KEY_SYNC_SECONDS = 2;
    static final int KEY_READ_FAILURES = 15;
    private final ComponentHealth keyHealth = new ComponentHealth("routing/key", java.time.Clock.systemUTC());
    private final Optional<RoutingKeys> keys;
    private java.util.concurrent.ScheduledExecutorService keySync;
    private int keyReadFailures;
    /**
     * Written under this object's lock, read without it: the status and the daemon's readers must
     * not wait for a start or a reconfiguration, which under a busy machine takes seconds.
     */
    private volatile RoutingDaemon daemon;
    private NodeConfig config;

    /** A node whose routing keys are never rolled (no etcd). */
    public RoutingPorts(ClusterSpec spec, AgentSettings settings) {
        this(spec, settings, Optional.empty());
    }

    /** A node that follows the cluster's routing keys in etcd through {@code keys}. */
    RoutingPorts(ClusterSpec spec, AgentSettings settings, Optional<RoutingKeys> keys) {
        this.spec = spec;
        this.settings = settings;
        this.keys = keys;
    }

    @Override
    public List<Preflight.Need> requirements() {
        return Preflight.routing(spec);
    }

    /** The daemon starts before the other components and takes the ports while they start. */
    @Override
    public boolean startsFirst() {
        return true;
    }

    @Override
    public synchronized void started(NodeBlock node) {
        Path dir = settings.stateDirectory().resolve("routing");
        NodeConfig config = new NodeConfig(settings.name(), NodeConfig.routerIdFor(node.mac()), List.of(),
                settings.stubName(), Optional.empty(), dir.toAbsolutePath(), spec.routing());
        this.config = config;
        startDaemon();
        keyFile().ifPresentOrElse(r -> keyHealth.running(r.ids()), () -> keyHealth.failed("no routing key at "
                + io.kubermesh.controlplane.pki.PkiFiles.routingKey(settings.stateDirectory())));
        if (keys.isPresent()) {
            keySync = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "routing-keys");
                t.setDaemon(true);
                return t;
            });
            keySync.scheduleWithFixedDelay(this::syncKeys, KEY_SYNC_SECONDS, KEY_SYNC_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /** The ring in the key file, or empty when there is none or it cannot be read. */
    private Optional<RoutingKeyring> keyFile() {
        Path file = io.kubermesh.controlplane.pki.PkiFiles.routingKey(settings.stateDirectory());
        if (!java.nio.file.Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(RoutingKeyring.read(file));
        } catch (RuntimeException e) {
            LOG.warn("routing keys: {}", e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Follows the ring etcd holds: writes it to the key file and gives it to the daemon when
     * either differs. An etcd that does not answer leaves the keys as they are (an error line
     * after {@value #KEY_READ_FAILURES} failed reads in a row: a joining node reads none until it
     * is routed); a daemon that refuses the ring is the component's failure, and the next sync
     * tries again.
     */
    void syncKeys() {
        Optional<RoutingKeys.Record> record;
        try {
            record = keys.orElseThrow().read();
            if (keyReadFailures >= KEY_READ_FAILURES) {
                keyHealth.error(null);
            }
            keyReadFailures = 0;
        } catch (RuntimeException e) {
            if (++keyReadFailures == KEY_READ_FAILURES) {
                keyHealth.error("cannot read the cluster's routing keys from etcd: " + e.getMessage());
                LOG.warn("routing keys: cannot read them from etcd for {} s: {}", KEY_READ_FAILURES * KEY_SYNC_SECONDS,
                        e.getMessage());
            }
            return;
        }
        if (record.isEmpty()) {
            return;
        }
        RoutingKeyring ring = record.get().ring();
        synchronized (this) {
            try {
                // The daemon first, the file after: an agent that dies in between finds in the file
                // the ring the daemon had, and gives it back to the daemon it adopts (startDaemon).
                if (daemon != null && !daemon.config().keys().equals(Optional.of(ring))) {
                    daemon.rekey(ring);
                    LOG.info("routing daemon {} signs with key {} now", daemon.name(), ring.ids());
                }
                if (!keyFile().equals(Optional.of(ring))) {
                    ring.write(io.kubermesh.controlplane.pki.PkiFiles.routingKey(settings.stateDirectory()));
                    LOG.info("routing keys: now {} (roll step {})", ring.ids(), record.get().step().word());
                }
                keyHealth.running(held().map(RoutingKeyring::ids).orElse(ring.ids()));
                keyHealth.error(null);
            } catch (RuntimeException e) {
                keyHealth.failed("routing keys " + ring.ids() + " not taken: " + e.getMessage());
                LOG.error("routing keys {} not taken: {}", ring.ids(), e.getMessage());
            }
        }
    }

    /** The ring the running daemon holds, else the one in the key file. */
    private Optional<RoutingKeyring> held() {
        return daemon != null ? daemon.config().keys() : keyFile();
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
                    .create(config.withPorts(new ArrayList<>(ports)).withKeys(RoutingKeyring.read(keyFile)));
            d.start();
            if (d.adopted() > 0) {
                // Processes of an agent that died may hold another ring than the file (a roll under way).
                d.rekey(RoutingKeyring.read(keyFile));
            }
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
        RoutingDaemon d = daemon;
        if (d != null) {
            DaemonHealth h = d.health();
            String what = d.name() + ", pids " + d.processIds() + (d.adopted() > 0 ? ", " + d.adopted() + " adopted" : "")
                    + (d.repairs() > 0 ? ", " + d.repairs() + " repair(s) by its audit (stale routes, stuck adjacencies)" : "");
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
        return status.withComponents(List.of(health.view(), keyHealth.view()));
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
        if (keySync != null) {
            keySync.shutdownNow();
        }
        if (daemon != null) {
            daemon.stop();
            daemon = null;
        }
        health.off("the agent stopped");
    }

    /** The daemon, while it runs. */
    public Optional<RoutingDaemon> daemon() {
        return Optional.ofNullable(daemon);
    }
}
