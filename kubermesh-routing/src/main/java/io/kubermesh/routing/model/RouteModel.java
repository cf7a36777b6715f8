package io.kubermesh.routing.model;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/**
 * The routes an IGP must install on a mesh: shortest paths with unit cost per cable and ECMP,
 * from every machine to every other machine's host /128 and pod prefix and to every anycast /128
 * (the nearest holders win; equally near holders share the ECMP set). A next hop is the port's
 * interface {@code clusterI} and the neighbour's link-local address on that cable, or a null via
 * when it is not known.
 *
 * <p>What-if: {@link #withoutCable} and {@link #withoutMachine} give the model after a cable cut
 * or a machine lost. Immutable and thread-safe; each query runs one breadth-first search, O(cables).
 */
public final class RouteModel {
    private final MeshGraph graph;
    private final Map<String, NodeBlock> blocks;
    private final Map<Ipv6Address, Set<String>> anycast;
    private final Map<PortRef, Ipv6Address> linkLocals;
    private final Set<Cable> cut;
    private final Set<String> lost;
    /** Per machine index: its host /128 and its pod prefix, made once. */
    private final Ipv6Prefix[] hostRoute;
    private final Ipv6Prefix[] podRoute;
    private final Set<Cable> cables;

    /**
     * @param blocks each machine's address block (every machine of the topology needs one)
     * @param anycast anycast address to the machines that currently announce it
     * @param linkLocals the link-local address of the interface at a port, where known
     */
    public RouteModel(Topology topology, Map<String, NodeBlock> blocks, Map<Ipv6Address, Set<String>> anycast,
                      Map<PortRef, Ipv6Address> linkLocals) {
        this(topology, blocks, anycast, linkLocals, Set.of(), Set.of());
    }

    private RouteModel(Topology topology, Map<String, NodeBlock> blocks, Map<Ipv6Address, Set<String>> anycast,
                       Map<PortRef, Ipv6Address> linkLocals, Set<Cable> cut, Set<String> lost) {
        this.blocks = Map.copyOf(blocks);
        for (Topology.Machine m : topology.machines()) {
            if (!this.blocks.containsKey(m.name())) {
                throw new IllegalArgumentException("machine " + m.name() + " has no address block");
            }
        }
        Map<Ipv6Address, Set<String>> a = new TreeMap<>();
        anycast.forEach((k, v) -> a.put(k, Set.copyOf(v)));
        this.anycast = a;
        this.linkLocals = Map.copyOf(linkLocals);
        this.cut = Set.copyOf(cut);
        this.lost = Set.copyOf(lost);
        this.graph = new MeshGraph(topology, this.cut, this.lost);
        this.cables = Set.copyOf(topology.cables());
        hostRoute = new Ipv6Prefix[graph.size()];
        podRoute = new Ipv6Prefix[graph.size()];
        for (int i = 0; i < graph.size(); i++) {
            NodeBlock b = this.blocks.get(graph.names[i]);
            hostRoute[i] = new Ipv6Prefix(b.host(), 128);
            podRoute[i] = b.pods();
        }
    }

    /** A what-if of {@code base}: same blocks, holders and link-locals (already validated), other failures. */
    private RouteModel(RouteModel base, Set<Cable> cut, Set<String> lost) {
        this.blocks = base.blocks;
        this.anycast = base.anycast;
        this.linkLocals = base.linkLocals;
        this.hostRoute = base.hostRoute;
        this.podRoute = base.podRoute;
        this.cables = base.cables;
        this.cut = Set.copyOf(cut);
        this.lost = Set.copyOf(lost);
        this.graph = new MeshGraph(base.graph.topology, this.cut, this.lost);
    }

    /** The model of {@code topology} with blocks from the address plan and each machine's identity MAC. */
    public static RouteModel of(Topology topology, AddressPlan plan, Map<String, MacAddress> identities,
                                Map<Ipv6Address, Set<String>> anycast) {
        Map<String, NodeBlock> blocks = new LinkedHashMap<>();
        for (Topology.Machine m : topology.machines()) {
            MacAddress mac = identities.get(m.name());
            if (mac == null) {
                throw new IllegalArgumentException("machine " + m.name() + " has no identity MAC");
            }
            blocks.put(m.name(), plan.node(mac));
        }
        return new RouteModel(topology, blocks, anycast, Map.of());
    }

    public Topology topology() {
        return graph.topology;
    }

    /** The same mesh with link-local addresses known for some ports (they become the next hops' via). */
    public RouteModel withLinkLocals(Map<PortRef, Ipv6Address> known) {
        return new RouteModel(graph.topology, blocks, anycast, known, cut, lost);
    }

    /** The same mesh with other anycast holders. */
    public RouteModel withAnycast(Map<Ipv6Address, Set<String>> holders) {
        return new RouteModel(graph.topology, blocks, holders, linkLocals, cut, lost);
    }

    /** What-if: this cable cut (carrier lost or silent). */
    public RouteModel withoutCable(Cable cable) {
        if (!cables.contains(cable)) {
            throw new IllegalArgumentException("no cable " + cable + " in the topology");
        }
        Set<Cable> c = new HashSet<>(cut);
        c.add(cable);
        return new RouteModel(this, c, lost);
    }

    /** What-if: this machine lost (powered off); its cables go with it and it holds nothing. */
    public RouteModel withoutMachine(String machine) {
        graph.indexOf(machine);
        Set<String> l = new HashSet<>(lost);
        l.add(machine);
        return new RouteModel(this, cut, l);
    }

    /** Cables between {@code from} and {@code to}; empty when unreachable (or a machine is lost). */
    public OptionalInt distance(String from, String to) {
        int d = graph.from(graph.indexOf(from)).distance()[graph.indexOf(to)];
        return d < 0 ? OptionalInt.empty() : OptionalInt.of(d);
    }

    /** The ECMP next hops from {@code from} towards machine {@code to}; empty when unreachable or the same. */
    public List<NextHop> nextHops(String from, String to) {
        int s = graph.indexOf(from);
        MeshGraph.SingleSource ss = graph.from(s);
        return hops(s, ss.firstHops()[graph.indexOf(to)]);
    }

    private List<NextHop> hops(int s, long mask) {
        List<NextHop> out = new ArrayList<>(Long.bitCount(mask));
        for (long m = mask; m != 0; m &= m - 1) {
            int k = Long.numberOfTrailingZeros(m);
            out.add(new NextHop(graph.interfaceName[s][k], linkLocals.isEmpty() ? null
                    : linkLocals.get(graph.neighbourEnd(s, k))));
        }
        return out;
    }

    /**
     * Every route {@code machine} must have, sorted by destination: each reachable machine's host
     * /128 and pod prefix, and each anycast /128 it does not hold itself but some reachable machine does.
     */
    public List<Route> routes(String machine) {
        int s = graph.indexOf(machine);
        if (!graph.present[s]) {
            return List.of();
        }
        MeshGraph.SingleSource ss = graph.from(s);
        int[] dist = ss.distance();
        long[] first = ss.firstHops();
        List<Route> out = new ArrayList<>(graph.size() * 2 + anycast.size());
        // ECMP sets repeat: a machine has few distinct first-hop sets, so their next hops are made once.
        Map<Long, List<NextHop>> cache = new HashMap<>();
        for (int d = 0; d < graph.size(); d++) {
            if (d == s || dist[d] < 0) {
                continue;
            }
            List<NextHop> h = cache.computeIfAbsent(first[d], m -> hops(s, m));
            out.add(new Route(hostRoute[d], h));
            out.add(new Route(podRoute[d], h));
        }
        for (Map.Entry<Ipv6Address, Set<String>> e : anycast.entrySet()) {
            if (e.getValue().contains(machine)) {
                continue;
            }
            int best = Integer.MAX_VALUE;
            long mask = 0;
            for (String holder : e.getValue()) {
                Integer h = graph.index.get(holder);
                if (h == null || dist[h] < 0) {
                    continue;
                }
                if (dist[h] < best) {
                    best = dist[h];
                    mask = first[h];
                } else if (dist[h] == best) {
                    mask |= first[h];
                }
            }
            if (mask != 0) {
                out.add(new Route(new Ipv6Prefix(e.getKey(), 128), hops(s, mask)));
            }
        }
        out.sort((x, y) -> x.destination().compareTo(y.destination()));
        return out;
    }

    /** {@link #routes} for every machine still present, in topology order. */
    public Map<String, List<Route>> allRoutes() {
        Map<String, List<Route>> out = new LinkedHashMap<>();
        for (int i = 0; i < graph.size(); i++) {
            if (graph.present[i]) {
                out.put(graph.names[i], routes(graph.names[i]));
            }
        }
        return out;
    }
}
