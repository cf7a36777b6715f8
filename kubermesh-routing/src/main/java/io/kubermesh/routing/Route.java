package io.kubermesh.routing;

import io.kubermesh.api.Ipv6Prefix;
import java.util.List;

/**
 * A destination and its equal-cost next hops (sorted, so two routes with the same hops are equal
 * whatever order they were learnt in).
 */
public record Route(Ipv6Prefix destination, List<NextHop> nextHops) {
    public Route {
        // Most routes have one next hop: skip the sort (the route model builds millions of these).
        nextHops = nextHops.size() <= 1 ? List.copyOf(nextHops) : nextHops.stream().sorted().distinct().toList();
    }
}
