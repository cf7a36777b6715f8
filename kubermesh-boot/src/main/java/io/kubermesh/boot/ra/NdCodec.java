package io.kubermesh.boot.ra;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.boot.dhcp6.Octets;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure encode/decode of router solicitations and advertisements as ICMPv6 messages (RFC 4861
 * section 4.1, 4.2, 4.6), network byte order. The checksum is written as zero: on a raw ICMPv6
 * socket the kernel computes it on send and verifies it on receipt (RFC 3542 section 3.1).
 */
public final class NdCodec {
    private NdCodec() {
    }

    public static NdMessage decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() < 4) {
            throw new MalformedPacketException("ICMPv6 message of " + b.remaining() + " octets; the header has 4");
        }
        int type = b.get() & 0xFF;
        int code = b.get() & 0xFF;
        b.getShort();
        if (type != NdMessage.ROUTER_SOLICITATION && type != NdMessage.ROUTER_ADVERTISEMENT) {
            byte[] body = new byte[b.remaining()];
            b.get(body);
            return new NdMessage.Other(type, code, Octets.of(body));
        }
        if (code != 0) {
            throw new MalformedPacketException("ICMPv6 type " + type + " with code " + code + " (RFC 4861 requires 0)");
        }
        if (type == NdMessage.ROUTER_SOLICITATION) {
            if (b.remaining() < 4) {
                throw new MalformedPacketException("router solicitation of " + (b.remaining() + 4) + " octets; at least 8");
            }
            b.getInt();
            return new NdMessage.RouterSolicitation(options(b));
        }
        if (b.remaining() < 12) {
            throw new MalformedPacketException("router advertisement of " + (b.remaining() + 4) + " octets; at least 16");
        }
        int hop = b.get() & 0xFF;
        int flags = b.get() & 0xFF;
        int lifetime = b.getShort() & 0xFFFF;
        long reachable = b.getInt() & 0xFFFF_FFFFL;
        long retrans = b.getInt() & 0xFFFF_FFFFL;
        return new NdMessage.RouterAdvertisement(hop, (flags & 0x80) != 0, (flags & 0x40) != 0, lifetime, reachable,
                retrans, options(b));
    }

    public static NdMessage decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    private static List<NdOption> options(ByteBuffer b) {
        List<NdOption> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 2) {
                throw new MalformedPacketException("one octet after the last option");
            }
            int type = b.get() & 0xFF;
            int units = b.get() & 0xFF;
            if (units == 0) {
                throw new MalformedPacketException("option " + type + " of length 0 (RFC 4861 section 4.6: discard)");
            }
            int size = units * 8 - 2;
            if (size > b.remaining()) {
                throw new MalformedPacketException("option " + type + " claims " + (size + 2) + " octets, "
                        + (b.remaining() + 2) + " remain");
            }
            ByteBuffer d = b.slice().limit(size).order(ByteOrder.BIG_ENDIAN);
            b.position(b.position() + size);
            if (type == NdOption.SOURCE_LINK_LAYER && units == 1) {
                byte[] mac = new byte[6];
                d.get(mac);
                out.add(new NdOption.SourceLinkLayer(MacAddress.fromBytes(mac)));
            } else if (type == NdOption.PREFIX_INFORMATION && units == 4 && (d.get(1) & 0x3F) == 0 && d.getInt(10) == 0
                    && (d.get(0) & 0xFF) <= 128) {
                int length = d.get() & 0xFF;
                int flags = d.get() & 0xFF;
                long valid = d.getInt() & 0xFFFF_FFFFL;
                long preferred = d.getInt() & 0xFFFF_FFFFL;
                d.getInt();
                out.add(new NdOption.PrefixInformation(length, (flags & 0x80) != 0, (flags & 0x40) != 0, valid, preferred,
                        new Ipv6Address(d.getLong(), d.getLong())));
            } else if (type == NdOption.MTU && units == 1 && d.getShort(0) == 0) {
                d.getShort();
                out.add(new NdOption.Mtu(d.getInt() & 0xFFFF_FFFFL));
            } else {
                byte[] data = new byte[size];
                d.get(data);
                out.add(new NdOption.Raw(type, Octets.of(data)));
            }
        }
        return out;
    }

    public static byte[] encode(NdMessage m) {
        ByteBuffer b = ByteBuffer.allocate(size(m)).order(ByteOrder.BIG_ENDIAN);
        if (m instanceof NdMessage.Other o) {
            b.put((byte) o.type()).put((byte) o.code()).putShort((short) 0).put(o.body().toBytes());
            return b.array();
        }
        b.put((byte) m.type()).put((byte) 0).putShort((short) 0);
        List<NdOption> options;
        if (m instanceof NdMessage.RouterSolicitation rs) {
            b.putInt(0);
            options = rs.options();
        } else {
            NdMessage.RouterAdvertisement ra = (NdMessage.RouterAdvertisement) m;
            b.put((byte) ra.curHopLimit()).put((byte) ((ra.managed() ? 0x80 : 0) | (ra.other() ? 0x40 : 0)))
                    .putShort((short) ra.routerLifetime()).putInt((int) ra.reachableTime()).putInt((int) ra.retransTimer());
            options = ra.options();
        }
        for (NdOption o : options) {
            if (o instanceof NdOption.SourceLinkLayer s) {
                b.put((byte) o.type()).put((byte) 1).put(s.mac().toBytes());
            } else if (o instanceof NdOption.PrefixInformation p) {
                b.put((byte) o.type()).put((byte) 4).put((byte) p.prefixLength())
                        .put((byte) ((p.onLink() ? 0x80 : 0) | (p.autonomous() ? 0x40 : 0)))
                        .putInt((int) p.validLifetime()).putInt((int) p.preferredLifetime()).putInt(0)
                        .putLong(p.prefix().high()).putLong(p.prefix().low());
            } else if (o instanceof NdOption.Mtu mtu) {
                b.put((byte) o.type()).put((byte) 1).putShort((short) 0).putInt((int) mtu.mtu());
            } else {
                NdOption.Raw r = (NdOption.Raw) o;
                b.put((byte) r.type()).put((byte) ((r.data().length() + 2) / 8)).put(r.data().toBytes());
            }
        }
        return b.array();
    }

    private static int size(NdMessage m) {
        if (m instanceof NdMessage.Other o) {
            return 4 + o.body().length();
        }
        List<NdOption> options = m instanceof NdMessage.RouterSolicitation rs ? rs.options()
                : ((NdMessage.RouterAdvertisement) m).options();
        int size = m instanceof NdMessage.RouterSolicitation ? 8 : 16;
        for (NdOption o : options) {
            size += o instanceof NdOption.PrefixInformation ? 32 : o instanceof NdOption.Raw r ? r.data().length() + 2 : 8;
        }
        return size;
    }
}
