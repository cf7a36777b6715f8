package io.kubermesh.controlplane;

import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.api.MacAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the mesh knows about one machine, as the control plane mirrors it into Kubernetes: its
 * name (the Node name), identity, the MAC that netbooted, its state, neighbours, boot history and
 * when it was last seen alive. The boot services and the agent produce these; the reconciler
 * turns them into Node and Machine objects.
 *
 * @param ipv4Pods the node's IPv4 pod subnet, when the IPv4 allocator gave it one
 */
public record MachineRecord(String name, MacAddress identity, Optional<MacAddress> bootMac, String state,
                            List<Neighbour> neighbours, List<BootEvent> bootHistory, Instant lastSeen,
                            Optional<Ipv4Prefix> ipv4Pods) {
    /** A machine cabled to port {@code port} of this one. */
    public record Neighbour(int port, String machine) {
    }

    /** One step of a boot: when, what, through which neighbour port ({@code node:port}). */
    public record BootEvent(Instant at, String event, String via) {
    }

    public MachineRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(identity, "identity");
        bootMac = bootMac == null ? Optional.empty() : bootMac;
        Objects.requireNonNull(state, "state");
        neighbours = List.copyOf(neighbours);
        bootHistory = List.copyOf(bootHistory);
        Objects.requireNonNull(lastSeen, "lastSeen");
        ipv4Pods = ipv4Pods == null ? Optional.empty() : ipv4Pods;
    }
}
