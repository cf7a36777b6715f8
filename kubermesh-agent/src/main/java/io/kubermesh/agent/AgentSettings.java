package io.kubermesh.agent;

import java.nio.file.Path;

/**
 * Where a node keeps its state and what its local interfaces are called.
 *
 * @param name the node's name in status output (the machine name in a lab, else the host name)
 * @param stateDirectory one directory per node: identity, leases, machine records, status socket
 * @param stubName the stub interface holding the host /128 (a {@code km} name on shared hosts)
 */
public record AgentSettings(String name, Path stateDirectory, String stubName) {
    public static final String DEFAULT_STUB = "kmstub0";

    public AgentSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an agent needs a name");
        }
        if (stubName == null || stubName.isEmpty() || stubName.length() > 15) {
            throw new IllegalArgumentException("an interface name is 1..15 characters: " + stubName);
        }
    }
}
