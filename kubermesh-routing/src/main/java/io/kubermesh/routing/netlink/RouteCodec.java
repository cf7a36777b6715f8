package io.kubermesh.routing.netlink;

import static io.kubermesh.routing.netlink.RtnetlinkCodes.*;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** struct rtmsg (12 bytes), its IPv6 attributes and RTA_MULTIPATH (a run of struct rtnexthop). */
final class RouteCodec {
    private RouteCodec() {
    }

    static void encode(RouteMessage m, Wire w) {
        w.u8(m.family()).u8(m.destinationLength()).u8(m.sourceLength()).u8(m.tos()).u8(m.table()).u8(m.protocol())
                .u8(m.scope()).u8(m.routeType()).u32(m.flags());
        m.tableId().ifPresent(t -> w.attrU32(RTA_TABLE, t));
        m.destination().ifPresent(d -> w.attrIpv6(RTA_DST, d));
        m.priority().ifPresent(p -> w.attrU32(RTA_PRIORITY, p));
        m.outputInterface().ifPresent(o -> w.attrU32(RTA_OIF, o));
        m.gateway().ifPresent(g -> w.attrIpv6(RTA_GATEWAY, g));
        if (!m.multipath().isEmpty()) {
            Wire mp = new Wire(w.order());
            for (MultipathHop h : m.multipath()) {
                Wire attrs = new Wire(w.order());
                h.gateway().ifPresent(g -> attrs.attrIpv6(RTA_GATEWAY, g));
                h.other().forEach(attrs::attr);
                byte[] a = attrs.toBytes();
                mp.u16(MultipathHop.SIZE + a.length).u8(h.flags()).u8(h.hops()).u32(h.interfaceIndex()).raw(a);
            }
            w.attr(RTA_MULTIPATH, mp.toBytes());
        }
        m.other().forEach(w::attr);
    }

    static RouteMessage decode(WireReader r) {
        int family = r.u8("rtmsg family");
        int dst = r.u8("rtmsg dst_len");
        int src = r.u8("rtmsg src_len");
        int tos = r.u8("rtmsg tos");
        int table = r.u8("rtmsg table");
        int proto = r.u8("rtmsg protocol");
        int scope = r.u8("rtmsg scope");
        int type = r.u8("rtmsg type");
        int flags = r.s32("rtmsg flags");
        boolean v6 = family == AF_INET6;
        Optional<Ipv6Address> destination = Optional.empty();
        Optional<Ipv6Address> gateway = Optional.empty();
        OptionalInt oif = OptionalInt.empty();
        OptionalInt priority = OptionalInt.empty();
        OptionalInt tableId = OptionalInt.empty();
        List<MultipathHop> multipath = List.of();
        List<Attribute> other = new ArrayList<>();
        for (Attribute a : r.attributes("route")) {
            switch (a.type()) {
                case RTA_DST -> {
                    if (v6) {
                        destination = Optional.of(WireReader.ipv6(a, "RTA_DST"));
                    } else {
                        other.add(a);
                    }
                }
                case RTA_GATEWAY -> {
                    if (v6) {
                        gateway = Optional.of(WireReader.ipv6(a, "RTA_GATEWAY"));
                    } else {
                        other.add(a);
                    }
                }
                case RTA_MULTIPATH -> {
                    if (v6) {
                        multipath = multipath(a, r);
                    } else {
                        other.add(a);
                    }
                }
                case RTA_OIF -> oif = OptionalInt.of(WireReader.u32(a, r.order(), "RTA_OIF"));
                case RTA_PRIORITY -> priority = OptionalInt.of(WireReader.u32(a, r.order(), "RTA_PRIORITY"));
                case RTA_TABLE -> tableId = OptionalInt.of(WireReader.u32(a, r.order(), "RTA_TABLE"));
                default -> other.add(a);
            }
        }
        if (destination.isPresent() && !destination.get().mask(dst).equals(destination.get())) {
            // The kernel never sends host bits past the prefix length; a peer that does is confused.
            throw new MalformedPacketException("RTA_DST " + destination.get() + " has bits past /" + dst);
        }
        return new RouteMessage(family, dst, src, tos, table, proto, scope, type, flags, destination, oif, gateway,
                priority, tableId, multipath, other);
    }

    private static List<MultipathHop> multipath(Attribute a, WireReader outer) {
        WireReader r = new WireReader(ByteBuffer.wrap(a.value()), outer.order());
        List<MultipathHop> hops = new ArrayList<>();
        while (r.remaining() > 0) {
            int len = r.u16("rtnexthop length");
            if (len < MultipathHop.SIZE) {
                throw new MalformedPacketException("rtnexthop length " + len + " < " + MultipathHop.SIZE);
            }
            int flags = r.u8("rtnexthop flags");
            int weight = r.u8("rtnexthop hops");
            int index = r.s32("rtnexthop ifindex");
            WireReader attrs = r.sub(len - MultipathHop.SIZE, "rtnexthop attributes");
            Optional<Ipv6Address> gw = Optional.empty();
            List<Attribute> other = new ArrayList<>();
            for (Attribute x : attrs.attributes("rtnexthop")) {
                if (x.type() == RTA_GATEWAY) {
                    gw = Optional.of(WireReader.ipv6(x, "rtnexthop RTA_GATEWAY"));
                } else {
                    other.add(x);
                }
            }
            hops.add(new MultipathHop(flags, weight, index, gw, other));
            r.skip(Wire.pad(len));
        }
        return hops;
    }
}
