package io.kubermesh.agent.control;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The JSON answers of the agent's control protocol other than {@code status} (which answers
 * {@link io.kubermesh.agent.NodeStatus}); field names are stable (docs/agent-control.md).
 */
public final class ControlAnswers {
    private ControlAnswers() {
    }

    /** {@code routes}: the IPv6 unicast routes of the node's main table, as the kernel has them. */
    public record Routes(List<InstalledRoute> routes) {
        public Routes {
            routes = List.copyOf(routes);
        }
    }

    /**
     * One installed route.
     *
     * @param destination a prefix, {@code 2001:db8::/128}
     * @param nextHops its next hops (several for equal-cost multipath)
     */
    public record InstalledRoute(String destination, List<Hop> nextHops) {
        public InstalledRoute {
            nextHops = List.copyOf(nextHops);
        }
    }

    /** A next hop: the interface and the neighbour's address (null for a directly connected route). */
    public record Hop(@JsonProperty("interface") String interfaceName, String via) {
    }

    /** {@code neighbours}: each configured mesh port, its own link-local address and who the routing daemon hears on it. */
    public record Neighbours(List<PortNeighbours> ports) {
        public Neighbours {
            ports = List.copyOf(ports);
        }
    }

    /**
     * One mesh port.
     *
     * @param linkLocal this end's link-local address (what a neighbour's routes name as next hop), null while it has none
     * @param adjacencies the routing daemon's OSPF neighbours heard on this port
     * @param clients the MACs of the machines holding a DHCPv6 lease on this port (they netbooted
     *     through it within a lease's lifetime), sorted: who is cabled here before its OS routes
     */
    public record PortNeighbours(int index, @JsonProperty("interface") String interfaceName, String linkLocal,
                                 List<Adjacency> adjacencies, List<String> clients) {
        public PortNeighbours {
            adjacencies = List.copyOf(adjacencies);
            clients = clients == null ? List.of() : List.copyOf(clients);
        }

        /** A port no DHCPv6 client holds a lease on. */
        public PortNeighbours(int index, String interfaceName, String linkLocal, List<Adjacency> adjacencies) {
            this(index, interfaceName, linkLocal, adjacencies, List.of());
        }
    }

    /** One OSPF adjacency: the neighbour's router id, the daemon's word for its state, whether it is full. */
    public record Adjacency(String routerId, String state, boolean full) {
    }

    /** {@code probe ADDR...}: ICMPv6 echoes from the node to each address (every 0.1 s until answered, for 1 s), in request order. */
    public record Probes(List<Probe> probes) {
        public Probes {
            probes = List.copyOf(probes);
        }
    }

    /** One address: answered within a second or not; the round trip of the echo answered, in milliseconds. */
    public record Probe(String address, boolean reachable, Double millis) {
    }

    /**
     * {@code enrolment}: the cluster's policy and the machines it holds a decision on, from etcd.
     *
     * @param pending machines that netbooted and wait for an operator (policy {@code approve})
     */
    public record Enrolment(String policy, List<Waiting> pending, List<String> approved, List<String> denied) {
        public Enrolment {
            pending = List.copyOf(pending);
            approved = List.copyOf(approved);
            denied = List.copyOf(denied);
        }
    }

    /** A machine waiting for approval: its MAC, when it was first seen and by which node. */
    public record Waiting(String mac, String firstSeen, String node) {
    }

    /**
     * {@code routing-key} and {@code routing-key roll}: the cluster's routing keys as etcd holds
     * them (ids only, never a secret).
     *
     * @param step {@code none} (never rolled: every machine holds the key it was enrolled with),
     *     {@code accept} (every machine accepts the new key too), {@code send} (every machine signs
     *     with the new key and accepts the old) or {@code retire} (the new key alone)
     * @param ids the ring every machine must hold, as the {@code routing/key} component shows it
     *     ({@code 2 (also accepting 1)})
     */
    public record RoutingKeys(String step, String ids) {
    }

    /** {@code approve MAC} and {@code deny MAC}: what is recorded now. */
    public record Decision(String mac, String decision) {
    }

    /** {@code routing-daemon}: the daemon's name and what its own commands print of its state. */
    public record RoutingDaemon(String daemon, String text) {
    }

    /**
     * {@code echo TOKEN}: the token back. A client on a stream that outlives its connections (a
     * VM's virtio-serial port) sends one first and skips every line before its answer: answers to
     * questions an earlier connection gave up on.
     */
    public record Echo(String echo) {
    }

    /**
     * {@code port I down|up}: the port's administrative state now.
     *
     * @param index the port index
     * @param interfaceName its interface ({@code clusterI})
     * @param up whether it is administratively up
     */
    public record Port(int index, String interfaceName, boolean up) {
    }

    /** Any request the agent cannot answer: what was wrong and what it understands. */
    public record Error(String error) {
    }
}
