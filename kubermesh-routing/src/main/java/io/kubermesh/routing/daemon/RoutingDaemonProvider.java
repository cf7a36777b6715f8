package io.kubermesh.routing.daemon;

import io.kubermesh.api.Requirement;
import java.util.List;

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

    /** What the daemon needs on the host (its programs and their package); checked by the agent's preflight. */
    default List<Requirement> requirements() {
        return List.of();
    }
}
