package io.kubermesh.routing.daemon.bird;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.Neighbour;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses BIRD's {@code show route} (code 1007 lines: a prefix line, then one {@code via ADDR on IF}
 * or {@code dev IF} line per next hop) and {@code show ospf neighbors} (code 1013 table rows).
 * Pure functions over decoded {@link BirdReply}s.
 */
public final class BirdReadback {
    static final int ROUTE = 1007;
    static final int OSPF_NEIGHBOURS = 1013;
    private static final Pattern ROUTE_START = Pattern.compile("^(\\S+)\\s+unicast\\s+\\[.*$");
    private static final Pattern ALTERNATIVE = Pattern.compile("^\\s+unicast\\s+\\[.*$");
    private static final Pattern VIA = Pattern.compile("^\\s*via\\s+(\\S+)\\s+on\\s+(\\S+).*$");
    private static final Pattern DEV = Pattern.compile("^\\s*dev\\s+(\\S+).*$");
    private static final Pattern ROUTER_ID = Pattern.compile("\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");

    private BirdReadback() {
    }

    /** The routes of a {@code show route} reply, first (best) route of each prefix only. */
    public static List<Route> routes(BirdReply reply) {
        List<Route> out = new ArrayList<>();
        Ipv6Prefix current = null;
        List<NextHop> hops = new ArrayList<>();
        boolean alternative = false;
        for (String text : reply.texts(ROUTE)) {
            Matcher m;
            if (text.startsWith("Table ")) {
                continue;
            }
            if ((m = ROUTE_START.matcher(text)).matches()) {
                add(out, current, hops);
                current = prefix(m.group(1));
                hops = new ArrayList<>();
                alternative = false;
            } else if (ALTERNATIVE.matcher(text).matches()) {
                alternative = true;
            } else if ((m = VIA.matcher(text)).matches()) {
                requireRoute(current, text);
                if (!alternative) {
                    hops.add(new NextHop(m.group(2), address(m.group(1))));
                }
            } else if ((m = DEV.matcher(text)).matches()) {
                requireRoute(current, text);
                if (!alternative) {
                    hops.add(new NextHop(m.group(1), null));
                }
            }
        }
        add(out, current, hops);
        out.sort(Comparator.comparing(Route::destination));
        return out;
    }

    /** The rows of a {@code show ospf neighbors} reply. */
    public static List<Neighbour> neighbours(BirdReply reply) {
        List<Neighbour> out = new ArrayList<>();
        for (String text : reply.texts(OSPF_NEIGHBOURS)) {
            String[] f = text.trim().split("\\s+");
            if (f.length < 5 || !ROUTER_ID.matcher(f[0]).matches()) {
                continue;
            }
            String state = f[2];
            out.add(new Neighbour(f[4], f[0], state, state.startsWith("Full")));
        }
        out.sort(Comparator.comparing(Neighbour::interfaceName));
        return out;
    }

    private static void add(List<Route> out, Ipv6Prefix prefix, List<NextHop> hops) {
        if (prefix != null) {
            if (hops.isEmpty()) {
                throw new MalformedPacketException("BIRD route " + prefix + " without a next hop line");
            }
            out.add(new Route(prefix, hops));
        }
    }

    private static void requireRoute(Ipv6Prefix current, String text) {
        if (current == null) {
            throw new MalformedPacketException("BIRD next hop line before any route: " + text);
        }
    }

    private static Ipv6Prefix prefix(String text) {
        try {
            return Ipv6Prefix.parse(text);
        } catch (RuntimeException e) {
            throw new MalformedPacketException("BIRD route does not start with an IPv6 prefix: " + text);
        }
    }

    private static Ipv6Address address(String text) {
        try {
            return Ipv6Address.parse(text);
        } catch (RuntimeException e) {
            throw new MalformedPacketException("BIRD next hop is not an IPv6 address: " + text);
        }
    }
}
