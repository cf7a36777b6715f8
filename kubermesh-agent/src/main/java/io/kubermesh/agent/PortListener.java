package io.kubermesh.agent;

import io.kubermesh.api.PortPrefix;

/**
 * Told when a mesh port comes up (configured with its address) and when it goes away: the boot
 * services start and stop serving on it, the routing daemon adds and drops it.
 */
public interface PortListener {
    void portUp(PortPrefix port);

    void portDown(PortPrefix port);
}
