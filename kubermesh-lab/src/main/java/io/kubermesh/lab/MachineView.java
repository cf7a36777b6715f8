package io.kubermesh.lab;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.kubermesh.agent.ComponentStatus;
import io.kubermesh.agent.NodeStatus;
import java.util.List;

/**
 * One machine as {@code kubermesh status} shows it (JSON field names stable, docs/cli.md).
 *
 * @param state off, booting, joined, unreachable (powered but its agent does not answer), gone
 * @param netns the network namespace the machine lives in, on the netns substrate (left out elsewhere)
 * @param etcd the machine's etcd member, null when it runs none
 * @param ipv4 its IPv4 node address (allocated in etcd), null until it has one
 * @param components what its agent reports of each component (state, last error), empty when no agent answers
 * @param placement where the machine lives as the substrate says ({@code netns}; a VM's {@code domain}
 *     and {@code accel}), empty when it says nothing
 */
public record MachineView(String name, String state, String identity, String host, String block, List<PortView> ports,
                          List<String> anycast, @JsonInclude(JsonInclude.Include.NON_NULL) String netns, NodeStatus.Etcd etcd, String ipv4,
                          List<ComponentStatus> components,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) java.util.Map<String, String> placement) {
    public MachineView {
        ports = List.copyOf(ports);
        anycast = List.copyOf(anycast);
        components = components == null ? List.of() : List.copyOf(components);
        placement = placement == null ? java.util.Map.of() : new java.util.TreeMap<>(placement);
    }

    /** As above, with no placement. */
    public MachineView(String name, String state, String identity, String host, String block, List<PortView> ports,
                       List<String> anycast, String netns, NodeStatus.Etcd etcd, String ipv4, List<ComponentStatus> components) {
        this(name, state, identity, host, block, ports, anycast, netns, etcd, ipv4, components, java.util.Map.of());
    }

    /** As above, without components (an agent that reports none). */
    public MachineView(String name, String state, String identity, String host, String block, List<PortView> ports,
                       List<String> anycast, String netns, NodeStatus.Etcd etcd, String ipv4) {
        this(name, state, identity, host, block, ports, anycast, netns, etcd, ipv4, List.of());
    }

    /** The component named {@code name}, if the agent reports it. */
    public java.util.Optional<ComponentStatus> component(String name) {
        return components.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The components that failed. */
    public List<ComponentStatus> failed() {
        return components.stream().filter(ComponentStatus::failed).toList();
    }

    /** A machine without control-plane details (off, gone, or an agent that reports none). */
    public MachineView(String name, String state, String identity, String host, String block, List<PortView> ports,
                       List<String> anycast, String netns) {
        this(name, state, identity, host, block, ports, anycast, netns, null, null);
    }

    /** A port with a cable, and who is at the other end. */
    public record PortView(int index, @JsonProperty("interface") String interfaceName, String neighbour) {
    }
}
