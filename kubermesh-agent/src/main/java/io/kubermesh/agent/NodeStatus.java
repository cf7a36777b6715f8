package io.kubermesh.agent;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What {@code kubermesh status} reads from an agent (JSON; field names are stable and documented
 * in docs/cli.md).
 *
 * @param anycast the anycast services whose /128 is on the stub now (read back from the kernel)
 * @param components every node component with its state and last error, by name
 */
public record NodeStatus(String name, String state, String identity, String host, String block, String pods,
                         String stub, List<Port> ports, List<String> anycast, String startedAt, String updatedAt,
                         Etcd etcd, String ipv4, List<ComponentStatus> components) {
    @JsonCreator
    public NodeStatus {
        ports = List.copyOf(ports);
        anycast = List.copyOf(anycast);
        components = components == null ? List.of()
                : components.stream().sorted(Comparator.comparing(ComponentStatus::name)).toList();
    }

    /** A status without components (an agent that reports none yet). */
    public NodeStatus(String name, String state, String identity, String host, String block, String pods, String stub,
                      List<Port> ports, List<String> anycast, String startedAt, String updatedAt, Etcd etcd, String ipv4) {
        this(name, state, identity, host, block, pods, stub, ports, anycast, startedAt, updatedAt, etcd, ipv4, List.of());
    }

    /** The same status holding the anycast services {@code held} (names). */
    public NodeStatus withAnycast(List<String> held) {
        return new NodeStatus(name, state, identity, host, block, pods, stub, ports, held, startedAt, updatedAt, etcd, ipv4,
                components);
    }

    /** The same status with this node's etcd member (null: it runs none) and IPv4 node address (null: none yet). */
    public NodeStatus withControlPlane(Etcd member, String address) {
        return new NodeStatus(name, state, identity, host, block, pods, stub, ports, anycast, startedAt, updatedAt, member,
                address, components);
    }

    /** The same status with {@code more} components. */
    public NodeStatus withComponents(List<ComponentStatus> more) {
        List<ComponentStatus> all = new ArrayList<>(components);
        all.addAll(more);
        return new NodeStatus(name, state, identity, host, block, pods, stub, ports, anycast, startedAt, updatedAt, etcd,
                ipv4, all);
    }

    /** The components that failed. */
    public List<ComponentStatus> failedComponents() {
        return components.stream().filter(ComponentStatus::failed).toList();
    }

    /**
     * The node's etcd member.
     *
     * @param member its name
     * @param id etcd's member id in hex (empty until it answers)
     * @param peerUrl where the other members reach it
     * @param role voter, learner, or starting
     * @param leader true if it leads the raft group
     * @param healthy true if its {@code /health} answers healthy
     */
    public record Etcd(String member, String id, String peerUrl, String role, boolean leader, boolean healthy) {
    }

    /** One configured mesh port. */
    public record Port(int index, @JsonProperty("interface") String interfaceName, String prefix, String address,
                       String neighbour) {
    }
}
