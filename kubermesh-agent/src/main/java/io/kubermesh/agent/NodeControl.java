package io.kubermesh.agent;

import io.kubermesh.agent.control.AgentControl;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.Neighbour;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.netlink.InterfaceAddress;
import io.kubermesh.routing.netlink.Rtnetlink;
import io.kubermesh.routing.probe.Icmp6Echo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What the agent answers on its control endpoint besides its status: the routes the kernel has
 * installed in the node's namespace, the link-local address of each port with the routing
 * daemon's neighbours on it, and ICMPv6 echoes sent from the node.
 */
final class NodeControl implements AgentControl.Node {
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final Agent agent;
    private final Rtnetlink netlink;
    private final Supplier<List<Neighbour>> adjacencies;
    private final Supplier<Optional<ClusterEnrolment>> enrolment;
    private final java.util.function.IntFunction<List<String>> clients;
    private final Supplier<Optional<RoutingDaemon>> daemon;

    NodeControl(Agent agent, Rtnetlink netlink, Supplier<List<Neighbour>> adjacencies) {
        this(agent, netlink, adjacencies, Optional::empty);
    }

    NodeControl(Agent agent, Rtnetlink netlink, Supplier<List<Neighbour>> adjacencies,
                Supplier<Optional<ClusterEnrolment>> enrolment) {
        this(agent, netlink, adjacencies, enrolment, port -> List.of());
    }

    NodeControl(Agent agent, Rtnetlink netlink, Supplier<List<Neighbour>> adjacencies,
                Supplier<Optional<ClusterEnrolment>> enrolment, java.util.function.IntFunction<List<String>> clients) {
        this(agent, netlink, adjacencies, enrolment, clients, Optional::empty);
    }

    NodeControl(Agent agent, Rtnetlink netlink, Supplier<List<Neighbour>> adjacencies,
                Supplier<Optional<ClusterEnrolment>> enrolment, java.util.function.IntFunction<List<String>> clients,
                Supplier<Optional<RoutingDaemon>> daemon) {
        this.daemon = daemon;
        this.agent = agent;
        this.netlink = netlink;
        this.adjacencies = adjacencies;
        this.enrolment = enrolment;
        this.clients = clients;
    }

    @Override
    public String relay(Ipv6Address host, String request) {
        return agent.relay(host, request);
    }

    /**
     * Takes port {@code index} down administratively (the machine at the other end loses its link,
     * as if the cable were pulled; this agent leaves it down, {@link NodeNetwork#ensurePort}), or
     * up again (the link event gives it its address back). Refused for an index the plan has no
     * port for, or whose interface this machine does not have.
     */
    @Override
    public ControlAnswers.Port setPort(int index, boolean up) {
        if (agent.network() == null) {
            throw new io.kubermesh.api.KubermeshException("the agent has not set up the node's network yet; ask again shortly");
        }
        var node = agent.network().node();
        if (index >= node.ports().size()) {
            throw new io.kubermesh.api.KubermeshException("there is no port " + index + ": the plan gives a node ports 0.."
                    + (node.ports().size() - 1));
        }
        String name = node.port(index).interfaceName();
        if (netlink.link(name).isEmpty()) {
            throw new io.kubermesh.api.KubermeshException("this machine has no interface " + name + " (port " + index + ")");
        }
        netlink.setUp(name, up);
        org.slf4j.LoggerFactory.getLogger(NodeControl.class).info("port {} ({}) taken {} on request", index, name, up ? "up" : "down");
        boolean now = netlink.link(name).map(io.kubermesh.routing.netlink.Link::up).orElse(false);
        return new ControlAnswers.Port(index, name, now);
    }

    @Override
    public NodeStatus status() {
        return agent.status();
    }

    @Override
    public ControlAnswers.Routes routes() {
        List<ControlAnswers.InstalledRoute> out = new ArrayList<>();
        for (Route r : netlink.routes()) {
            List<ControlAnswers.Hop> hops = new ArrayList<>();
            for (NextHop h : r.nextHops()) {
                hops.add(new ControlAnswers.Hop(h.interfaceName(), h.via() == null ? null : h.via().toString()));
            }
            out.add(new ControlAnswers.InstalledRoute(r.destination().toString(), hops));
        }
        return new ControlAnswers.Routes(out);
    }

    @Override
    public ControlAnswers.RoutingDaemon routingDaemon() {
        RoutingDaemon d = daemon.get().orElseThrow(() -> new UnsupportedOperationException("no routing daemon runs on this node"));
        return new ControlAnswers.RoutingDaemon(d.name(), d.diagnostics());
    }

    @Override
    public ControlAnswers.Neighbours neighbours() {
        List<InterfaceAddress> addresses = netlink.addresses();
        List<Neighbour> heard = adjacencies.get();
        List<ControlAnswers.PortNeighbours> out = new ArrayList<>();
        for (int index : new TreeSet<>(agent.network().ports())) {
            String name = agent.network().node().port(index).interfaceName();
            String linkLocal = addresses.stream().filter(a -> a.interfaceName().equals(name) && a.address().isLinkLocal())
                    .map(a -> a.address().toString()).findFirst().orElse(null);
            List<ControlAnswers.Adjacency> on = heard.stream().filter(n -> n.interfaceName().equals(name))
                    .map(n -> new ControlAnswers.Adjacency(n.routerId(), n.state(), n.full())).toList();
            out.add(new ControlAnswers.PortNeighbours(index, name, linkLocal, on, clients.apply(index)));
        }
        return new ControlAnswers.Neighbours(out);
    }

    @Override
    public ControlAnswers.Enrolment enrolment() {
        return controlPlane().view();
    }

    @Override
    public ControlAnswers.Decision decide(io.kubermesh.api.MacAddress mac, boolean approve) {
        return controlPlane().decide(mac, approve);
    }

    @Override
    public ControlAnswers.RoutingKeys routingKeys(Optional<String> rollFrom) {
        ClusterEnrolment cp = enrolment.get().orElseThrow(() -> new io.kubermesh.api.KubermeshException("this agent"
                + " runs no control plane, so it cannot read or roll the routing keys; ask the agent of an etcd member"));
        RoutingKeys keys = cp.routingKeys().orElseThrow(() -> new io.kubermesh.api.KubermeshException(
                "the cluster file turns etcd off (controlPlane.etcdMembers: 0), and the routing key is rolled through etcd"));
        return rollFrom.isPresent() ? keys.roll(agent.status().name(), rollFrom.get()) : keys.view();
    }

    private ClusterEnrolment controlPlane() {
        return enrolment.get().orElseThrow(() -> new io.kubermesh.api.KubermeshException("this agent"
                + " runs no control plane, so it keeps no enrolment decisions; ask the agent of an etcd member"
                + " (kubermesh status shows which nodes are members)"));
    }

    @Override
    public ControlAnswers.Probes probe(List<Ipv6Address> addresses) {
        List<ControlAnswers.Probe> out = new ArrayList<>();
        for (Icmp6Echo.Result r : Icmp6Echo.probe(addresses, PROBE_TIMEOUT, netlink.namespace())) {
            out.add(new ControlAnswers.Probe(r.address().toString(), r.reachable(),
                    r.roundTrip().map(d -> d.toNanos() / 1e6).orElse(null)));
        }
        return new ControlAnswers.Probes(out);
    }

    /** Per port, the MACs of its DHCPv6 clients with a lease now ({@link BootPorts#clients}). */
    static java.util.function.IntFunction<List<String>> bootClients(List<PortListener> listeners) {
        return port -> listeners.stream().filter(BootPorts.class::isInstance).findFirst()
                .map(l -> ((BootPorts) l).clients(port)).orElse(List.of());
    }

    /** The routing daemon when one of {@code listeners} runs it. */
    static Supplier<Optional<RoutingDaemon>> routingDaemon(List<PortListener> listeners) {
        return () -> listeners.stream().filter(RoutingPorts.class::isInstance).findFirst()
                .flatMap(l -> ((RoutingPorts) l).daemon());
    }

    /** The routing daemon's neighbours when one of {@code listeners} runs it; none otherwise. */
    static Supplier<List<Neighbour>> adjacencies(List<PortListener> listeners) {
        return () -> {
            for (PortListener l : listeners) {
                if (l instanceof RoutingPorts r) {
                    Optional<List<Neighbour>> n = r.daemon().map(d -> {
                        try {
                            return d.neighbours();
                        } catch (RuntimeException e) {
                            return List.<Neighbour>of();
                        }
                    });
                    return n.orElse(List.of());
                }
            }
            return List.of();
        };
    }
}
