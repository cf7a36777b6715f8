package io.kubermesh.routing.daemon;

/**
 * A named factory of {@link RoutingDaemon}s, found by {@link RoutingDaemons#provider(String)} or
 * used directly. Implementations are registered in
 * {@code META-INF/services/io.kubermesh.routing.daemon.RoutingDaemonProvider}.
 */
public interface RoutingDaemonProvider {
    /** The name the configuration uses: {@code frr} or {@code bird}. */
    String name();

    /** A daemon for one node, not started yet. */
    RoutingDaemon create(NodeConfig config);
}
