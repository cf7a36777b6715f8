package io.kubermesh.agent;

import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;

/**
 * Told when a mesh port comes up (configured with its address) and when it goes away: the boot
 * services start and stop serving on it, the routing daemon adds and drops it.
 */
public interface PortListener {
    /** The node has its identity and its stub; no port is configured yet. */
    default void started(NodeBlock node) {
    }

    /** A port is configured with its address; nothing by default. */
    default void portUp(PortPrefix port) {
    }

    /** A port went away (its link is gone); nothing by default. */
    default void portDown(PortPrefix port) {
    }

    /** The port's cable went dark (the far machine lost power) or came back; the port stays configured. */
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
