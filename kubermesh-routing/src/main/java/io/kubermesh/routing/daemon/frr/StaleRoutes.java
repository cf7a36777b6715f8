package io.kubermesh.routing.daemon.frr;

import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.daemon.Neighbour;
import io.kubermesh.routing.daemon.frr.FrrReadback.Advertised;
import io.kubermesh.routing.daemon.frr.FrrReadback.InstalledRoute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds routes that FRR 8.4's ospf6d left stale: a prefix that a full neighbour announces, one
 * cable away, installed at a higher cost than that cable gives, or at that cost without the
 * cable among its next hops, or not routed at all (no {@code ospf6} route in zebra, installed or
 * not, for a prefix this node does not announce itself). Every port costs {@link FrrConfig#COST}, so a prefix that a full
 * neighbour announces with metric {@code m} costs {@code COST + m} through that neighbour's port;
 * the installed route may be cheaper (an anycast prefix another holder announces at lower
 * metric), never dearer. One cable away ospf6d's equal-cost next hops are exact (see
 * {@code FrrMeshIT#exactEcmpWithin}), so at equal cost the neighbour's port must be among them.
 *
 * <p>Seen in the lab, rarely, with Debian 12's FRR 8.4.4: after a new adjacency, the gateway of
 * a ring of three kept {@code kubermesh2}'s host /128 through {@code kubermesh1} at cost 30
 * although {@code kubermesh2} was its full neighbour (cost 20), while {@code kubermesh2}'s pod
 * prefix from the same LSA had moved to the direct cable; and a node kept an anycast /128
 * through a neighbour at cost 30 while another neighbour announced it. Every router's database
 * listed the right LSAs. In the libvirt lab (TCG) a node kept no route at all to its full
 * neighbour's prefixes, and that neighbour routed to it the long way round. Upstream has since fixed ways in which ospf6d's area table and its
 * global table (which zebra gets) part (https://github.com/FRRouting/frr/pull/21960).
 *
 * <p>Pure: it reads what {@link FrrReadback} parsed and decides nothing about repairs.
 */
public final class StaleRoutes {
    private StaleRoutes() {
    }

    /**
     * One stale route.
     *
     * @param prefix the destination
     * @param neighbour the full neighbour announcing it, router id
     * @param port the port that neighbour is on
     * @param expectedMetric the cost through that port
     * @param installed the route zebra installed instead; null when there is none
     */
    public record Stale(Ipv6Prefix prefix, String neighbour, String port, int expectedMetric, InstalledRoute installed)
            implements AuditFinding {
        @Override
        public String key() {
            return prefix + "@" + port;
        }

        @Override
        public int audits() {
            return 1;
        }

        /** One line for the log. */
        @Override
        public String describe() {
            String announced = prefix + " is announced by full neighbour " + neighbour + " on " + port + " (cost " + expectedMetric + ")";
            if (installed == null) {
                return announced + " but not routed at all";
            }
            return announced + " but installed at cost " + installed.metric() + " via "
                    + installed.nextHops().stream().map(h -> h.interfaceName() + (h.via() == null ? "" : " " + h.via()))
                            .toList();
        }
    }

    /**
     * The stale routes of one node, at most one per prefix (for the first port on which a
     * neighbour announcing it is full).
     *
     * @param self this node's router id (its own announcements are never routes here)
     * @param computed every prefix zebra holds an {@code ospf6} route for, installed or not
     *     ({@link FrrReadback#ospf6Prefixes})
     * @param portCost what every port costs
     */
    public static List<Stale> find(String self, List<Neighbour> neighbours, List<Advertised> announced,
            List<InstalledRoute> installed, java.util.Set<Ipv6Prefix> computed, int portCost) {
        Map<String, List<String>> fullOn = new HashMap<>();
        for (Neighbour n : neighbours) {
            if (n.full()) {
                fullOn.computeIfAbsent(n.routerId(), k -> new ArrayList<>()).add(n.interfaceName());
            }
        }
        Map<Ipv6Prefix, InstalledRoute> routes = new HashMap<>();
        installed.forEach(r -> routes.put(r.destination(), r));
        java.util.Set<Ipv6Prefix> own = new java.util.HashSet<>();
        announced.stream().filter(a -> a.routerId().equals(self)).forEach(a -> own.add(a.prefix()));
        Map<Ipv6Prefix, Stale> out = new LinkedHashMap<>();
        for (Advertised a : announced) {
            List<String> ports = fullOn.get(a.routerId());
            InstalledRoute r = routes.get(a.prefix());
            if (ports == null || own.contains(a.prefix()) || out.containsKey(a.prefix())) {
                continue;
            }
            int expected = portCost + a.metric();
            if (r == null) {
                // A route that lost to another protocol (a connected prefix) is still in zebra;
                // one ospf6d never computed for a full neighbour's prefix is not.
                if (!computed.contains(a.prefix())) {
                    out.put(a.prefix(), new Stale(a.prefix(), a.routerId(), ports.get(0), expected, null));
                }
                continue;
            }
            boolean viaPort = r.nextHops().stream().map(NextHop::interfaceName).anyMatch(ports::contains);
            if (r.metric() > expected || (r.metric() == expected && !viaPort)) {
                out.put(a.prefix(), new Stale(a.prefix(), a.routerId(), ports.get(0), expected, r));
            }
        }
        return List.copyOf(out.values());
    }
}
