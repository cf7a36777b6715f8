package io.kubermesh.provider.netns.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * One machine as {@code kubermesh status} shows it (JSON field names stable, docs/cli.md).
 *
 * @param state off, netbooting, joined, unreachable (powered but its agent does not answer), gone
 */
public record MachineView(String name, String state, String identity, String host, String block, List<PortView> ports,
                          List<String> anycast, String netns) {
    public MachineView {
        ports = List.copyOf(ports);
        anycast = List.copyOf(anycast);
    }

    /** A port with a cable, and who is at the other end. */
    public record PortView(int index, @JsonProperty("interface") String interfaceName, String neighbour) {
    }
}
