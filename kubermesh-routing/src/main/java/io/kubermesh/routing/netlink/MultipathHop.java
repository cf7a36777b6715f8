package io.kubermesh.routing.netlink;

import io.kubermesh.api.Ipv6Address;
import java.util.List;
import java.util.Optional;

/**
 * One struct rtnexthop of RTA_MULTIPATH (8 bytes: u16 length, u8 flags, u8 hops, s32 ifindex)
 * with its RTA_GATEWAY; other nested attributes are kept raw.
 *
 * @param hops rtnh_hops: the weight minus one
 */
public record MultipathHop(int flags, int hops, int interfaceIndex, Optional<Ipv6Address> gateway,
                           List<Attribute> other) {
    public static final int SIZE = 8;

    public MultipathHop {
        if (flags < 0 || flags > 0xFF || hops < 0 || hops > 0xFF) {
            throw new IllegalArgumentException("rtnh_flags and rtnh_hops are u8");
        }
        other = List.copyOf(other);
    }
}
