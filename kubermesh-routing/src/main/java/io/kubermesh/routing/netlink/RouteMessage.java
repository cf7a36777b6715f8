package io.kubermesh.routing.netlink;

import io.kubermesh.api.Ipv6Address;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * RTM_NEWROUTE / RTM_DELROUTE / RTM_GETROUTE: struct rtmsg (12 bytes: family, dst_len, src_len,
 * tos, table, protocol, scope, type, u32 flags) and, for AF_INET6, RTA_DST, RTA_OIF, RTA_GATEWAY,
 * RTA_PRIORITY, RTA_TABLE and RTA_MULTIPATH. Other attributes stay raw in {@code other}.
 */
public record RouteMessage(int family, int destinationLength, int sourceLength, int tos, int table, int protocol,
                           int scope, int routeType, int flags, Optional<Ipv6Address> destination, OptionalInt outputInterface,
                           Optional<Ipv6Address> gateway, OptionalInt priority, OptionalInt tableId,
                           List<MultipathHop> multipath, List<Attribute> other) implements NetlinkMessage.Payload {
    /** Size of struct rtmsg. */
    public static final int SIZE = 12;

    public RouteMessage {
        for (int v : new int[] {family, destinationLength, sourceLength, tos, table, protocol, scope, routeType}) {
            if (v < 0 || v > 0xFF) {
                throw new IllegalArgumentException("rtmsg byte fields are u8, got " + v);
            }
        }
        if (family != RtnetlinkCodes.AF_INET6 && (destination.isPresent() || gateway.isPresent() || !multipath.isEmpty())) {
            throw new IllegalArgumentException("only AF_INET6 routes are modelled; others stay raw");
        }
        if (destination.isPresent() && !destination.get().mask(destinationLength).equals(destination.get())) {
            throw new IllegalArgumentException(destination.get() + " has bits set past /" + destinationLength);
        }
        multipath = List.copyOf(multipath);
        other = List.copyOf(other);
    }

    /** The routing table: RTA_TABLE when present (tables past 255), else rtm_table. */
    public int effectiveTable() {
        return tableId.orElse(table);
    }

    /** A dump request for every route of {@code family}. */
    public static RouteMessage dumpRequest(int family) {
        return new RouteMessage(family, 0, 0, 0, 0, 0, 0, 0, 0, Optional.empty(), OptionalInt.empty(), Optional.empty(),
                OptionalInt.empty(), OptionalInt.empty(), List.of(), List.of());
    }
}
