package io.kubermesh.routing.daemon;

import io.kubermesh.routing.Route;
import java.util.List;

/**
 * One node's routing engine: an existing OSPFv3 daemon (FRR, BIRD) started inside the node's
 * network namespace from generated configuration, supervised, and read back.
 *
 * <p>Lifecycle: {@link #start()} once, {@link #reconfigure} whenever the node's ports change,
 * {@link #stop()} (or {@link #close()}) at the end. After {@code stop()} no process of the daemon
 * is left and its kernel routes are withdrawn. A crashed daemon is restarted by its supervisor;
 * {@link #health()} says so.
 */
public interface RoutingDaemon extends AutoCloseable {
    /** The provider name: {@code frr} or {@code bird}. */
    String name();

    /** The configuration the daemon runs with now (ports as last reconfigured). */
    NodeConfig config();

    /** Writes the configuration, starts the processes and returns once their control sockets answer. */
    void start();

    /**
     * Runs OSPFv3 on exactly {@code ports} from now on. Ports that stay keep their adjacencies;
     * new ports are added and removed ports withdrawn without restarting the daemon.
     */
    void reconfigure(List<String> ports);

    /**
     * Signs with {@code ring}'s send key and accepts every key of the ring from now on, without
     * restarting the daemon: an adjacency whose neighbour signs with any key of the ring stays
     * full. The key files are rewritten (mode 0600), so a restart by the supervisor keeps the
     * ring; no key reaches a command line or a log. {@link #config()} shows the ring afterwards.
     *
     * @throws io.kubermesh.api.KubermeshException when the daemon did not take the ring
     */
    void rekey(RoutingKeyring ring);

    /** The routes the daemon has learnt over OSPF and selected for the kernel, in prefix order. */
    List<Route> installedRoutes();

    /** The daemon's OSPF neighbours, one per adjacency. */
    List<Neighbour> neighbours();

    /**
     * What the daemon itself says of its OSPF state (its interfaces, link-state database and
     * computed routes) as text, for a person finding out why routes are not what they should be
     * ({@code kubermesh routes --daemon}, the labs' failure reports).
     *
     * @throws io.kubermesh.api.KubermeshException when the daemon does not answer
     */
    String diagnostics();

    /** Whether the processes run, and how often the supervisor restarted them. */
    DaemonHealth health();

    /**
     * How many of its processes were adopted at {@link #start()}: they ran on from an agent that
     * died, and were taken over rather than started twice.
     */
    default int adopted() {
        return 0;
    }

    /**
     * How many times the daemon's own audit found routes the daemon left wrong and repaired them
     * (FRR: {@code FrrDaemon}'s stale-route audit); 0 for a daemon without one.
     */
    default int repairs() {
        return 0;
    }

    /** The process ids of the daemon's processes now running (empty when stopped). */
    List<Long> processIds();

    /** Stops every process (SIGTERM, then SIGKILL after a grace period); idempotent. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
