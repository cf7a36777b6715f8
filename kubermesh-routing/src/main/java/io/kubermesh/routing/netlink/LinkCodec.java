package io.kubermesh.routing.netlink;

import static io.kubermesh.routing.netlink.RtnetlinkCodes.*;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** struct ifinfomsg and its attributes, with IFLA_LINKINFO and the veth peer nested inside it. */
final class LinkCodec {
    /** A veth peer is an ifinfomsg inside a link message; nothing legitimate nests deeper. */
    private static final int MAX_DEPTH = 2;

    private LinkCodec() {
    }

    static void encode(LinkMessage l, Wire w) {
        w.u8(l.family()).u8(0).u16(l.deviceType()).u32(l.index()).u32(l.flags()).u32(l.change());
        l.name().ifPresent(n -> w.attrString(IFLA_IFNAME, n));
        l.mtu().ifPresent(m -> w.attrU32(IFLA_MTU, m));
        l.address().ifPresent(a -> w.attr(IFLA_ADDRESS, a.toBytes()));
        l.operState().ifPresent(s -> w.attr(IFLA_OPERSTATE, new byte[] {(byte) s}));
        l.netnsFd().ifPresent(fd -> w.attrU32(IFLA_NET_NS_FD, fd));
        l.info().ifPresent(i -> w.nested(IFLA_LINKINFO, in -> {
            // iproute2 sends the kind without its NUL; the kernel accepts both.
            in.attr(IFLA_INFO_KIND, i.kind().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            i.peer().ifPresent(p -> in.nested(IFLA_INFO_DATA, d -> d.nested(VETH_INFO_PEER, pw -> encode(p, pw))));
            i.other().forEach(in::attr);
        }));
        l.other().forEach(w::attr);
    }

    static LinkMessage decode(WireReader r, int depth) {
        if (depth > MAX_DEPTH) {
            throw new MalformedPacketException("link message nested " + depth + " deep");
        }
        int family = r.u8("ifinfomsg family");
        r.u8("ifinfomsg pad");
        int type = r.u16("ifinfomsg type");
        int index = r.s32("ifinfomsg index");
        int flags = r.s32("ifinfomsg flags");
        int change = r.s32("ifinfomsg change");
        Optional<String> name = Optional.empty();
        OptionalInt mtu = OptionalInt.empty();
        Optional<MacAddress> address = Optional.empty();
        OptionalInt oper = OptionalInt.empty();
        Optional<LinkInfo> info = Optional.empty();
        OptionalInt netns = OptionalInt.empty();
        List<Attribute> other = new ArrayList<>();
        for (Attribute a : r.attributes("link")) {
            switch (a.type()) {
                case IFLA_IFNAME -> {
                    String n = WireReader.string(a);
                    if (n.isEmpty()) {
                        throw new MalformedPacketException("IFLA_IFNAME is empty");
                    }
                    name = Optional.of(n);
                }
                case IFLA_MTU -> mtu = OptionalInt.of(WireReader.u32(a, r.order(), "IFLA_MTU"));
                case IFLA_OPERSTATE -> oper = OptionalInt.of(WireReader.u8(a, "IFLA_OPERSTATE"));
                case IFLA_NET_NS_FD -> netns = OptionalInt.of(WireReader.u32(a, r.order(), "IFLA_NET_NS_FD"));
                case IFLA_LINKINFO -> info = Optional.of(info(a, r, depth));
                case IFLA_ADDRESS -> {
                    if (a.value().length == 6) {
                        address = Optional.of(MacAddress.fromBytes(a.value()));
                    } else {
                        other.add(a);
                    }
                }
                default -> other.add(a);
            }
        }
        return new LinkMessage(family, type, index, flags, change, name, mtu, address, oper, info, netns, other);
    }

    private static LinkInfo info(Attribute linkinfo, WireReader outer, int depth) {
        List<Attribute> nested = new WireReader(ByteBuffer.wrap(linkinfo.value()), outer.order()).attributes("IFLA_LINKINFO");
        String kind = null;
        Optional<LinkMessage> peer = Optional.empty();
        List<Attribute> other = new ArrayList<>();
        Attribute data = null;
        for (Attribute a : nested) {
            if (a.type() == IFLA_INFO_KIND) {
                kind = WireReader.string(a);
            } else if (a.type() == IFLA_INFO_DATA && data == null) {
                data = a;
            } else {
                other.add(a);
            }
        }
        if (kind == null || kind.isEmpty()) {
            throw new MalformedPacketException("IFLA_LINKINFO without IFLA_INFO_KIND");
        }
        if (data != null) {
            List<Attribute> d = "veth".equals(kind)
                    ? new WireReader(ByteBuffer.wrap(data.value()), outer.order()).attributes("IFLA_INFO_DATA") : null;
            if (d != null && d.size() == 1 && d.get(0).type() == VETH_INFO_PEER) {
                peer = Optional.of(decode(new WireReader(ByteBuffer.wrap(d.get(0).value()), outer.order()), depth + 1));
            } else {
                other.add(0, data);
            }
        }
        return new LinkInfo(kind, peer, other);
    }
}
