package io.kubermesh.agent;

import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;

/**
 * Told when a mesh port comes up (configured with its address) and when it goes away: the boot
 * services start and stop serving on it, the routing daemon adds and drops it.
 */
public interface PortListener {
    /**
     * The node has its identity and its stub; called on every component, in the order they were
     * installed, before any of them {@link #started starts}: make what another component needs when
     * it starts (the first machine's routing key, which the routing daemon starting first uses).
     * Nothing by default.
     */
    default void prepare(NodeBlock node) {
    }

    /**
     * The node has its identity and its stub. A component that {@link #startsFirst() starts first}
     * is told before any port is configured; the others once the first ones have their ports, and
     * right after this call they get {@link #portUp} for every port configured by then.
     */
    default void started(NodeBlock node) {
    }

    /**
     * Whether this component starts before the others and gets the ports while they start: the
     * routing daemon, so that the node's adjacencies form and its host address is flooded while
     * the control plane and the boot services start (a joining node is reachable sooner). False
     * by default.
     */
    default boolean startsFirst() {
        return false;
    }

    /** A port is configured with its address; nothing by default. */
    default void portUp(PortPrefix port) {
    }

    /**
     * A port went away (its link is gone), or the agent stops; nothing by default. A link that
     * goes away while its cable carried a link is told {@link #carrierChanged} (false) first.
     */
    default void portDown(PortPrefix port) {
    }

    /**
     * The port's cable went dark (the far machine lost power, the cable was pulled, or the link went
     * away with it) or came back; the port stays configured unless {@link #portDown} follows.
     */
    default void carrierChanged(PortPrefix port, boolean carrier) {
    }

    /**
     * What this component needs on the host for the cluster file it runs with; the agent checks
     * them all at start ({@link Preflight}) and names every missing one with its install line.
     */
    default java.util.List<Preflight.Need> requirements() {
        return java.util.List.of();
    }

    /** The agent stops: release everything. Called after the last {@link #portDown}; must not throw. */
    default void stopped() {
    }
}
