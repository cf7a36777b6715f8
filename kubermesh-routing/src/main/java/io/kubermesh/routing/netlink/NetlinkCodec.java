package io.kubermesh.routing.netlink;

import static io.kubermesh.routing.netlink.RtnetlinkCodes.*;

import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Pure encoding and decoding of netlink messages (RFC 3549; linux/netlink.h). Netlink speaks the
 * host's byte order: the no-order methods use {@link ByteOrder#nativeOrder()}, the others take the
 * order explicitly (tests replay little-endian captures on any host). Messages are 4-byte aligned
 * (NLMSG_ALIGN); a datagram may carry several.
 */
public final class NetlinkCodec {
    private NetlinkCodec() {
    }

    public static byte[] encode(NetlinkMessage m) {
        return encode(m, ByteOrder.nativeOrder());
    }

    /** One message, header included, padded to 4 bytes. */
    public static byte[] encode(NetlinkMessage m, ByteOrder order) {
        Wire body = new Wire(order);
        int flags = m.flags();
        NetlinkMessage.Payload p = m.payload();
        if (p instanceof LinkMessage l) {
            requireKind(m, l, RTM_NEWLINK, RTM_GETLINK);
            LinkCodec.encode(l, body);
        } else if (p instanceof AddressMessage a) {
            requireKind(m, a, RTM_NEWADDR, RTM_GETADDR);
            AddressCodec.encode(a, body);
        } else if (p instanceof RouteMessage r) {
            requireKind(m, r, RTM_NEWROUTE, RTM_GETROUTE);
            RouteCodec.encode(r, body);
        } else if (p instanceof NetlinkError e) {
            requireKind(m, e, NLMSG_ERROR, NLMSG_ERROR);
            flags |= NLM_F_CAPPED | (e.message().isPresent() ? NLM_F_ACK_TLVS : 0);
            body.u32(e.error()).u32(e.requestLength()).u16(e.requestType()).u16(e.requestFlags())
                    .u32(e.requestSequence()).u32(e.requestPortId());
            e.message().ifPresent(s -> body.attrString(NLMSGERR_ATTR_MSG, s));
        } else if (p instanceof NetlinkDone d) {
            requireKind(m, d, NLMSG_DONE, NLMSG_DONE);
            body.u32(d.status());
        } else {
            if (kindOf(m.type()) != Kind.OPAQUE) {
                throw new IllegalArgumentException("type " + m.type() + " has a modelled payload, not raw bytes");
            }
            body.raw(((OpaquePayload) p).bytes());
        }
        byte[] b = body.toBytes();
        Wire w = new Wire(order);
        w.u32(NetlinkMessage.HEADER + b.length).u16(m.type()).u16(flags).u32(m.sequence()).u32(m.portId()).raw(b);
        return w.zeros(Wire.pad(b.length)).toBytes();
    }

    public static List<NetlinkMessage> decode(ByteBuffer datagram) {
        return decode(datagram, ByteOrder.nativeOrder());
    }

    /**
     * Every message of a datagram (the buffer's position to its limit). A truncated header, a
     * length below 16 or past the end, or a payload that does not parse raises
     * {@link MalformedPacketException}.
     */
    public static List<NetlinkMessage> decode(ByteBuffer datagram, ByteOrder order) {
        WireReader r = new WireReader(datagram, order);
        List<NetlinkMessage> out = new ArrayList<>();
        while (r.remaining() > 0) {
            long len = r.u32("nlmsghdr length");
            if (len < NetlinkMessage.HEADER) {
                throw new MalformedPacketException("nlmsghdr length " + len + " is shorter than the header");
            }
            int type = r.u16("nlmsghdr type");
            int flags = r.u16("nlmsghdr flags");
            int seq = r.s32("nlmsghdr seq");
            int pid = r.s32("nlmsghdr pid");
            if (len - NetlinkMessage.HEADER > r.remaining()) {
                throw new MalformedPacketException("nlmsghdr length " + len + " runs past the datagram ("
                        + (r.remaining() + NetlinkMessage.HEADER) + " bytes left)");
            }
            WireReader body = r.sub((int) len - NetlinkMessage.HEADER, "message " + type);
            NetlinkMessage.Payload payload = payload(type, flags, body);
            // An error keeps no echoed request: it is a capped one (NLM_F_CAPPED), as it is encoded
            // again, so decoding is canonical (found by the mutation fuzzing of issue 15).
            out.add(new NetlinkMessage(type, payload instanceof NetlinkError ? flags | NLM_F_CAPPED : flags, seq, pid,
                    payload));
            r.skip(Wire.pad((int) len));
        }
        return out;
    }

    private static NetlinkMessage.Payload payload(int type, int flags, WireReader b) {
        return switch (kindOf(type)) {
            case LINK -> LinkCodec.decode(b, 0);
            case ADDRESS -> AddressCodec.decode(b);
            case ROUTE -> RouteCodec.decode(b);
            case DONE -> new NetlinkDone(b.remaining() >= 4 ? b.s32("done status") : 0);
            case ERROR -> error(flags, b);
            case OPAQUE -> new OpaquePayload(b.bytes(b.remaining(), "payload"));
        };
    }

    private static NetlinkError error(int flags, WireReader b) {
        int error = b.s32("nlmsgerr error");
        long reqLen = b.u32("nlmsgerr request length");
        int reqType = b.u16("nlmsgerr request type");
        int reqFlags = b.u16("nlmsgerr request flags");
        int reqSeq = b.s32("nlmsgerr request seq");
        int reqPid = b.s32("nlmsgerr request pid");
        if ((flags & NLM_F_CAPPED) == 0 && reqLen > NetlinkMessage.HEADER) {
            // The request's payload is echoed (RFC 3549 section 2.3.2.2); skip what is there.
            b.skip((int) Math.min(reqLen - NetlinkMessage.HEADER, Integer.MAX_VALUE));
        }
        Optional<String> text = Optional.empty();
        if ((flags & NLM_F_ACK_TLVS) != 0) {
            for (Attribute a : b.attributes("extended ack")) {
                if (a.number() == NLMSGERR_ATTR_MSG) {
                    text = Optional.of(WireReader.string(a));
                }
            }
        }
        return new NetlinkError(error, (int) reqLen, reqType, reqFlags, reqSeq, reqPid, text);
    }

    private enum Kind { LINK, ADDRESS, ROUTE, ERROR, DONE, OPAQUE }

    private static Kind kindOf(int type) {
        if (type >= RTM_NEWLINK && type <= RTM_GETLINK) {
            return Kind.LINK;
        }
        if (type >= RTM_NEWADDR && type <= RTM_GETADDR) {
            return Kind.ADDRESS;
        }
        if (type >= RTM_NEWROUTE && type <= RTM_GETROUTE) {
            return Kind.ROUTE;
        }
        return type == NLMSG_ERROR ? Kind.ERROR : type == NLMSG_DONE ? Kind.DONE : Kind.OPAQUE;
    }

    private static void requireKind(NetlinkMessage m, Object payload, int first, int last) {
        if (m.type() < first || m.type() > last) {
            throw new IllegalArgumentException("a " + payload.getClass().getSimpleName() + " cannot be sent as type "
                    + m.type());
        }
    }
}
