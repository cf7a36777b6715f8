package io.kubermesh.routing.daemon.frr;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.Neighbour;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Parses FRR's JSON answers: {@code show ipv6 route ospf6 json} (a map from prefix to the routes
 * of every protocol for it), {@code show ipv6 ospf6 route json} (ospf6d's own table) and
 * {@code show ipv6 ospf6 neighbor json}. Pure functions; a reply
 * that is not the expected JSON is a {@link MalformedPacketException}.
 */
public final class FrrReadback {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Ipv6Address UNSPECIFIED = Ipv6Address.parse("::");
    /** MaxAge, s (RFC 5340 appendix B): an LSA this old is being flushed. */
    private static final int MAX_AGE = 3600;

    private FrrReadback() {
    }

    /** The OSPFv3 routes zebra installed in the kernel, with the next hops that are in the FIB. */
    public static List<Route> routes(String json) {
        return installed(tree(json), false).stream().map(r -> new Route(r.destination(), r.nextHops())).toList();
    }

    /**
     * One OSPFv3 route zebra installed: its cost (ospf6d's path cost, the sum of the interface
     * costs to the advertising router plus the prefix's metric) and its next hops in the FIB.
     */
    public record InstalledRoute(Ipv6Prefix destination, int metric, List<NextHop> nextHops) {
        public InstalledRoute {
            nextHops = List.copyOf(nextHops);
        }
    }

    /** {@link #routes} with each route's cost (a route without one is malformed). */
    public static List<InstalledRoute> installedRoutes(String json) {
        return installed(tree(json), true);
    }

    /**
     * Every prefix zebra holds an {@code ospf6} route for, installed or not ({@code show ipv6
     * route ospf6 json}): a route that lost to a connected one is still there, a route ospf6d never
     * computed is not.
     */
    public static java.util.Set<Ipv6Prefix> ospf6Prefixes(String json) {
        java.util.Set<Ipv6Prefix> out = new java.util.TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = tree(json).fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            for (JsonNode r : e.getValue()) {
                if ("ospf6".equals(r.path("protocol").asText())) {
                    out.add(prefix(e.getKey()));
                }
            }
        }
        return out;
    }

    private static List<InstalledRoute> installed(JsonNode root, boolean needMetric) {
        List<InstalledRoute> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            for (JsonNode r : e.getValue()) {
                if (!"ospf6".equals(r.path("protocol").asText()) || !r.path("installed").asBoolean(false)) {
                    continue;
                }
                List<NextHop> hops = new ArrayList<>();
                for (JsonNode h : r.path("nexthops")) {
                    if (!h.path("fib").asBoolean(false)) {
                        continue;
                    }
                    String ifname = h.path("interfaceName").asText("");
                    if (ifname.isEmpty()) {
                        throw new MalformedPacketException("FRR route " + e.getKey() + ": a next hop without an interface");
                    }
                    String via = h.path("ip").asText("");
                    hops.add(new NextHop(ifname, via.isEmpty() ? null : address(via)));
                }
                boolean hasMetric = r.path("metric").canConvertToInt() && r.path("metric").asInt() >= 0;
                if (needMetric && !hasMetric) {
                    throw new MalformedPacketException("FRR route " + e.getKey() + ": no metric");
                }
                if (!hops.isEmpty()) {
                    out.add(new InstalledRoute(prefix(e.getKey()), hasMetric ? r.path("metric").asInt() : -1, hops));
                }
            }
        }
        out.sort(Comparator.comparing(InstalledRoute::destination));
        return out;
    }

    /**
     * One prefix in a router's Intra-Area-Prefix-LSA: what that router announces of its own (its
     * stub's host /128, anycast /128s and pod prefix, and its ports' prefixes).
     *
     * @param routerId the advertising router, dotted quad
     * @param metric the prefix's own cost, added to the path cost towards the router
     */
    public record Advertised(String routerId, Ipv6Prefix prefix, int metric) {
    }

    /**
     * Every prefix of every live Intra-Area-Prefix-LSA in ospf6d's database
     * ({@code show ipv6 ospf6 database intra-prefix detail json}); LSAs at MaxAge (3600 s, being
     * flushed) are left out, as ospf6d's SPF leaves them out.
     */
    public static List<Advertised> intraAreaPrefixes(String json) {
        JsonNode areas = tree(json).path("areaScopedLinkStateDb");
        if (!areas.isArray()) {
            throw new MalformedPacketException("ospf6d database reply without an \"areaScopedLinkStateDb\" array");
        }
        List<Advertised> out = new ArrayList<>();
        for (JsonNode area : areas) {
            for (JsonNode lsa : area.path("lsa")) {
                if (!"Intra-Prefix".equals(lsa.path("type").asText())) {
                    continue;
                }
                String router = lsa.path("advertisingRouter").asText("");
                if (router.isEmpty() || !lsa.path("age").canConvertToInt()) {
                    throw new MalformedPacketException("ospf6d Intra-Prefix LSA without advertisingRouter or age: " + abbreviate(lsa.toString()));
                }
                if (lsa.path("age").asInt() >= MAX_AGE) {
                    continue;
                }
                for (JsonNode p : lsa.path("prefix")) {
                    if (!p.path("metric").canConvertToInt()) {
                        throw new MalformedPacketException("ospf6d Intra-Prefix LSA of " + router + ": a prefix without a metric");
                    }
                    out.add(new Advertised(router, prefix(p.path("prefix").asText("")), p.path("metric").asInt()));
                }
            }
        }
        return out;
    }

    /**
     * Splits what one {@code vtysh} run with several {@code -c} printed into the JSON object of
     * each command, in order; {@code count} objects, or a {@link MalformedPacketException}.
     */
    public static List<String> split(String output, int count) {
        List<String> parts = new ArrayList<>();
        try (var it = JSON.readerFor(JsonNode.class).<JsonNode>readValues(output)) {
            while (it.hasNextValue()) {
                parts.add(it.nextValue().toString());
            }
        } catch (IOException | RuntimeException e) {
            throw new MalformedPacketException("vtysh output is not " + count + " JSON objects: " + abbreviate(output));
        }
        if (parts.size() != count) {
            throw new MalformedPacketException("vtysh printed " + parts.size() + " JSON objects, not " + count + ": "
                    + abbreviate(output));
        }
        return parts;
    }

    /**
     * The routes ospf6d itself computed ({@code show ipv6 ospf6 route json}), before zebra: the
     * best route of every prefix learnt from a neighbour, with all its next hops. Prefixes of this
     * node's own interfaces (next hop {@code ::}) are left out. Comparing this with {@link #routes}
     * tells whether a missing next hop was never computed or was lost on the way to the kernel.
     */
    public static List<Route> computedRoutes(String json) {
        JsonNode routes = tree(json).path("routes");
        if (!routes.isObject()) {
            throw new MalformedPacketException("ospf6d route reply without a \"routes\" object");
        }
        List<Route> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = routes.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().path("isBestRoute").asBoolean(false)) {
                continue;
            }
            List<NextHop> hops = new ArrayList<>();
            for (JsonNode h : e.getValue().path("nextHops")) {
                String ifname = h.path("interfaceName").asText("");
                String via = h.path("nextHop").asText("");
                if (ifname.isEmpty() || via.isEmpty()) {
                    throw new MalformedPacketException("ospf6d route " + e.getKey() + ": a next hop without interface or address");
                }
                Ipv6Address gateway = address(via);
                if (!gateway.equals(UNSPECIFIED)) {
                    hops.add(new NextHop(ifname, gateway));
                }
            }
            if (!hops.isEmpty()) {
                out.add(new Route(prefix(e.getKey()), hops));
            }
        }
        out.sort(Comparator.comparing(Route::destination));
        return out;
    }

    /** Every OSPFv3 neighbour, full or not. */
    public static List<Neighbour> neighbours(String json) {
        JsonNode root = tree(json);
        JsonNode list = root.path("neighbors");
        if (!list.isArray()) {
            throw new MalformedPacketException("FRR neighbour reply without a \"neighbors\" array");
        }
        List<Neighbour> out = new ArrayList<>();
        for (JsonNode n : list) {
            String id = n.path("neighborId").asText("");
            String ifname = n.path("interfaceName").asText("");
            String state = n.path("state").asText("");
            if (id.isEmpty() || ifname.isEmpty() || state.isEmpty()) {
                throw new MalformedPacketException("FRR neighbour without neighborId, interfaceName or state: " + n);
            }
            out.add(new Neighbour(ifname, id, state, state.equals("Full")));
        }
        out.sort(Comparator.comparing(Neighbour::interfaceName));
        return out;
    }

    private static JsonNode tree(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root == null || !root.isObject()) {
                throw new MalformedPacketException("FRR reply is not a JSON object: " + abbreviate(json));
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new MalformedPacketException("FRR reply is not JSON: " + abbreviate(json));
        }
    }

    private static Ipv6Prefix prefix(String text) {
        try {
            return Ipv6Prefix.parse(text);
        } catch (RuntimeException e) {
            throw new MalformedPacketException("FRR route key is not an IPv6 prefix: " + text);
        }
    }

    private static Ipv6Address address(String text) {
        try {
            return Ipv6Address.parse(text);
        } catch (RuntimeException e) {
            throw new MalformedPacketException("FRR next hop is not an IPv6 address: " + text);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 80) + "...";
    }
}
