package io.kubermesh.routing;

import io.kubermesh.api.Ipv6Address;

/**
 * One way out towards a destination: the interface and the neighbour's link-local (or global)
 * address. Both the route model's predictions and the routes read back from the kernel or the
 * daemon use this, so they compare with {@code equals}.
 */
public record NextHop(String interfaceName, Ipv6Address via) implements Comparable<NextHop> {
    public NextHop {
        if (interfaceName == null || interfaceName.isBlank()) {
            throw new IllegalArgumentException("a next hop needs an interface");
        }
    }

    @Override
    public int compareTo(NextHop o) {
        int c = interfaceName.compareTo(o.interfaceName);
        return c != 0 ? c : (via == null ? (o.via == null ? 0 : -1) : o.via == null ? 1 : via.compareTo(o.via));
    }
}
