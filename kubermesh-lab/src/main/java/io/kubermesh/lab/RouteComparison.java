package io.kubermesh.lab;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One destination of one machine, as {@code kubermesh routes} shows it: the next hops the route
 * model predicts beside those the kernel has installed (JSON field names stable, docs/cli.md).
 *
 * @param from the machine whose routing table this is
 * @param destination the prefix (a host /128, a pod prefix or an anycast /128)
 * @param target what the destination is: {@code MACHINE host}, {@code MACHINE pods} or {@code anycast NAME}
 * @param match how the two compare, see {@link Match}
 */
public record RouteComparison(String from, String destination, String target, List<Hop> predicted, List<Hop> installed,
                              Match match) {
    public RouteComparison {
        predicted = List.copyOf(predicted);
        installed = List.copyOf(installed);
    }

    /** A next hop: the interface and the neighbour's address (null when the route has none). */
    public record Hop(@JsonProperty("interface") String interfaceName, String via) {
        static Hop of(NextHop h) {
            return new Hop(h.interfaceName(), h.via() == null ? null : h.via().toString());
        }
    }

    /** How the installed next hops compare with the predicted ones. */
    public enum Match {
        /** The same set of next hops. */
        yes,
        /**
         * Some but not all of the predicted equal-cost next hops are installed, and no other (the
         * route works; FRR 8.4's ospf6d sometimes installs only part of an ECMP set).
         */
        subset,
        /** Predicted, but no route is installed. */
        missing,
        /** Installed, but the model predicts no route (a stale route, or a destination it does not know to be up). */
        extra,
        /**
         * An anycast /128 whose installed next hops each lie on a shortest path to some holder,
         * but not to the nearest. This row alone does not say the traffic arrives: that depends
         * on the next machines' own routes (two machines each sending it towards a holder behind
         * the other would loop), so follow the rows hop by hop to know. FRR 8.4.4's ospf6d
         * was seen keeping such a route for 20 s and more after a nearer holder began announcing
         * (the seed lab, kubermesh4 routing etcd through kubermesh2 towards kubermesh1 when
         * kubermesh3, its neighbour, held it too; every LSDB listed kubermesh3).
         */
        farther,
        /** An installed next hop lies off every shortest path. */
        no;

        /** True when traffic follows shortest paths: {@code yes} or {@code subset}. */
        public boolean onShortestPaths() {
            return this == yes || this == subset;
        }
    }

    /** How {@code installed} compares with {@code predicted} (both sets of next hops). */
    static Match match(Set<NextHop> predicted, Set<NextHop> installed) {
        if (predicted.equals(installed)) {
            return Match.yes;
        }
        if (installed.isEmpty()) {
            return Match.missing;
        }
        if (predicted.isEmpty()) {
            return Match.extra;
        }
        return predicted.containsAll(installed) ? Match.subset : Match.no;
    }

    /**
     * {@code row} as {@link Match#farther} when it is an anycast route that matched {@code no} and
     * every installed next hop is in {@code towardsHolders} (the next hops on shortest paths to
     * any of the address's holders); else {@code row} as it is.
     */
    static RouteComparison towardsAHolder(RouteComparison row, Set<NextHop> towardsHolders) {
        if (row.match() != Match.no || !row.target().startsWith("anycast ")) {
            return row;
        }
        Set<Hop> allowed = new HashSet<>();
        towardsHolders.forEach(h -> allowed.add(Hop.of(h)));
        return allowed.containsAll(row.installed())
                ? new RouteComparison(row.from(), row.destination(), row.target(), row.predicted(), row.installed(), Match.farther)
                : row;
    }

    /**
     * Compares one machine's routes. Every predicted destination is listed; an installed route is
     * listed too when its destination is one of {@code targets} (the lab's host, pod and anycast
     * prefixes), so a stale route to a machine that went away shows, while connected and
     * link-local routes do not. Installed routes to one destination are merged (the kernel may
     * list multipath next hops one by one).
     *
     * @param targets destination prefix to what it is (see {@link #target})
     */
    static List<RouteComparison> compare(String from, List<Route> predicted, List<Route> installed,
                                         Map<Ipv6Prefix, String> targets) {
        Map<Ipv6Prefix, Set<NextHop>> want = new TreeMap<>();
        predicted.forEach(r -> want.computeIfAbsent(r.destination(), k -> new HashSet<>()).addAll(r.nextHops()));
        Map<Ipv6Prefix, Set<NextHop>> have = new TreeMap<>();
        for (Route r : installed) {
            if (want.containsKey(r.destination()) || targets.containsKey(r.destination())) {
                have.computeIfAbsent(r.destination(), k -> new HashSet<>()).addAll(r.nextHops());
            }
        }
        Set<Ipv6Prefix> all = new TreeSet<>(want.keySet());
        all.addAll(have.keySet());
        List<RouteComparison> out = new ArrayList<>();
        for (Ipv6Prefix d : all) {
            Set<NextHop> p = want.getOrDefault(d, Set.of());
            Set<NextHop> i = have.getOrDefault(d, Set.of());
            out.add(new RouteComparison(from, d.toString(), targets.getOrDefault(d, "?"), hops(p), hops(i), match(p, i)));
        }
        return out;
    }

    private static List<Hop> hops(Set<NextHop> hops) {
        return new TreeSet<>(hops).stream().map(Hop::of).toList();
    }
}
