package io.kubermesh.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * What {@code kubermesh status} reads from an agent (JSON; field names are stable and documented
 * in docs/cli.md).
 */
public record NodeStatus(String name, String state, String identity, String host, String block, String pods,
                         String stub, List<Port> ports, List<String> anycast, String startedAt, String updatedAt) {
    public NodeStatus {
        ports = List.copyOf(ports);
        anycast = List.copyOf(anycast);
    }

    /** One configured mesh port. */
    public record Port(int index, @JsonProperty("interface") String interfaceName, String prefix, String address,
                       String neighbour) {
    }
}
