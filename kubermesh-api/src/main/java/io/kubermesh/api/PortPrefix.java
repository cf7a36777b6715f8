package io.kubermesh.api;

import java.util.List;

/**
 * One mesh port's /126: this end's address (on interface {@code clusterI}, preferred lifetime 0)
 * and the pool of three handed by DHCPv6 to whatever boots on that cable.
 */
public record PortPrefix(int index, String interfaceName, Ipv6Prefix prefix, Ipv6Address thisEnd,
                         List<Ipv6Address> pool) {
    public PortPrefix {
        pool = List.copyOf(pool);
        if (index < 0) {
            throw new IllegalArgumentException("a port index is non-negative, got " + index);
        }
        if (!prefix.contains(thisEnd) || !pool.stream().allMatch(prefix::contains)) {
            throw new IllegalArgumentException("port " + index + ": addresses outside " + prefix);
        }
    }

    /** The interface name of port {@code index}: {@code cluster0}, {@code cluster1}, … */
    public static String interfaceName(int index) {
        return "cluster" + index;
    }
}
