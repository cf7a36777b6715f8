package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Pure encode/decode of DHCPv6 client/server messages (RFC 8415 section 8 and 21). Network byte
 * order throughout. Anything that does not decode raises {@link MalformedPacketException}.
 */
public final class Dhcp6Codec {
    /** IA_NA inside a message, IAADDR inside it, a status inside that: more nesting is an attack. */
    private static final int MAX_DEPTH = 4;

    private Dhcp6Codec() {
    }

    /** Decodes the remaining bytes of {@code in} (position to limit); {@code in} is not moved. */
    public static Dhcp6Message decode(ByteBuffer in) {
        ByteBuffer b = in.slice().order(ByteOrder.BIG_ENDIAN);
        if (b.remaining() < 4) {
            throw new MalformedPacketException("DHCPv6 message of " + b.remaining() + " octets; the header has 4");
        }
        int head = b.getInt();
        return new Dhcp6Message(MessageType.of(head >>> 24), head & 0xFF_FFFF, options(b, 0));
    }

    public static Dhcp6Message decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    private static List<Dhcp6Option> options(ByteBuffer b, int depth) {
        if (depth > MAX_DEPTH) {
            throw new MalformedPacketException("options nested deeper than " + MAX_DEPTH);
        }
        List<Dhcp6Option> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 4) {
                throw new MalformedPacketException(b.remaining() + " octets after the last option; an option header has 4");
            }
            int code = b.getShort() & 0xFFFF;
            int length = b.getShort() & 0xFFFF;
            if (length > b.remaining()) {
                throw new MalformedPacketException("option " + code + " claims " + length + " octets, "
                        + b.remaining() + " remain");
            }
            ByteBuffer body = b.slice().limit(length).order(ByteOrder.BIG_ENDIAN);
            b.position(b.position() + length);
            out.add(option(code, body, depth));
        }
        return out;
    }

    private static Dhcp6Option option(int code, ByteBuffer b, int depth) {
        int length = b.remaining();
        switch (code) {
            case OptionCode.CLIENTID:
                return new Dhcp6Option.ClientId(duid(b));
            case OptionCode.SERVERID:
                return new Dhcp6Option.ServerId(duid(b));
            case OptionCode.IA_NA: {
                need(code, length, 12);
                long iaid = u32(b);
                long t1 = u32(b);
                long t2 = u32(b);
                return new Dhcp6Option.IaNa(iaid, t1, t2, options(b, depth + 1));
            }
            case OptionCode.IAADDR: {
                need(code, length, 24);
                Ipv6Address address = address(b);
                long preferred = u32(b);
                long valid = u32(b);
                return new Dhcp6Option.IaAddress(address, preferred, valid, options(b, depth + 1));
            }
            case OptionCode.ORO:
                return new Dhcp6Option.OptionRequest(shorts(code, b));
            case OptionCode.PREFERENCE:
                exactly(code, length, 1);
                return new Dhcp6Option.Preference(b.get() & 0xFF);
            case OptionCode.ELAPSED_TIME:
                exactly(code, length, 2);
                return new Dhcp6Option.ElapsedTime(b.getShort() & 0xFFFF);
            case OptionCode.STATUS_CODE: {
                need(code, length, 2);
                int status = b.getShort() & 0xFFFF;
                return new Dhcp6Option.Status(status, text(b));
            }
            case OptionCode.RAPID_COMMIT:
                exactly(code, length, 0);
                return new Dhcp6Option.RapidCommit();
            case OptionCode.USER_CLASS:
                return new Dhcp6Option.UserClass(items(code, b));
            case OptionCode.VENDOR_CLASS: {
                need(code, length, 4);
                long enterprise = u32(b);
                return new Dhcp6Option.VendorClass(enterprise, items(code, b));
            }
            case OptionCode.DNS_SERVERS: {
                if (length % 16 != 0) {
                    throw new MalformedPacketException("option 23 of " + length + " octets is not a list of addresses");
                }
                List<Ipv6Address> servers = new ArrayList<>();
                while (b.hasRemaining()) {
                    servers.add(address(b));
                }
                return new Dhcp6Option.DnsServers(servers);
            }
            case OptionCode.BOOTFILE_URL:
                return new Dhcp6Option.BootfileUrl(text(b));
            case OptionCode.BOOTFILE_PARAM:
                return new Dhcp6Option.BootfileParams(items(code, b));
            case OptionCode.CLIENT_ARCH_TYPE:
                return new Dhcp6Option.ClientArch(shorts(code, b));
            default: {
                byte[] data = new byte[length];
                b.get(data);
                return new Dhcp6Option.Raw(code, Octets.of(data));
            }
        }
    }

    private static Duid duid(ByteBuffer b) {
        need(OptionCode.CLIENTID, b.remaining(), 2);
        int type = b.getShort() & 0xFFFF;
        switch (type) {
            case Duid.LLT: {
                need(OptionCode.CLIENTID, b.remaining(), 6);
                int hw = b.getShort() & 0xFFFF;
                long time = u32(b);
                return new Duid.LinkLayerTime(hw, time, rest(b));
            }
            case Duid.EN: {
                need(OptionCode.CLIENTID, b.remaining(), 4);
                long enterprise = u32(b);
                return new Duid.Enterprise(enterprise, rest(b));
            }
            case Duid.LL: {
                need(OptionCode.CLIENTID, b.remaining(), 2);
                int hw = b.getShort() & 0xFFFF;
                return new Duid.LinkLayer(hw, rest(b));
            }
            case Duid.UUID:
                if (b.remaining() != 16) {
                    throw new MalformedPacketException("a DUID-UUID has 16 octets after its type, got " + b.remaining());
                }
                return new Duid.Uuid(rest(b));
            default:
                return new Duid.Other(type, rest(b));
        }
    }

    private static List<Integer> shorts(int code, ByteBuffer b) {
        if (b.remaining() % 2 != 0) {
            throw new MalformedPacketException("option " + code + " of odd length " + b.remaining());
        }
        List<Integer> out = new ArrayList<>();
        while (b.hasRemaining()) {
            out.add(b.getShort() & 0xFFFF);
        }
        return out;
    }

    /** Length-prefixed opaque items (options 15, 16, 60). */
    private static List<Octets> items(int code, ByteBuffer b) {
        List<Octets> out = new ArrayList<>();
        while (b.hasRemaining()) {
            if (b.remaining() < 2) {
                throw new MalformedPacketException("option " + code + ": a data item without its length");
            }
            int len = b.getShort() & 0xFFFF;
            if (len > b.remaining()) {
                throw new MalformedPacketException("option " + code + ": a data item claims " + len + " octets, "
                        + b.remaining() + " remain");
            }
            byte[] data = new byte[len];
            b.get(data);
            out.add(Octets.of(data));
        }
        return out;
    }

    private static void need(int code, int length, int min) {
        if (length < min) {
            throw new MalformedPacketException("option " + code + " of " + length + " octets; it needs at least " + min);
        }
    }

    private static void exactly(int code, int length, int size) {
        if (length != size) {
            throw new MalformedPacketException("option " + code + " of " + length + " octets; it has exactly " + size);
        }
    }

    private static long u32(ByteBuffer b) {
        return b.getInt() & 0xFFFF_FFFFL;
    }

    private static Ipv6Address address(ByteBuffer b) {
        return new Ipv6Address(b.getLong(), b.getLong());
    }

    private static Octets rest(ByteBuffer b) {
        byte[] data = new byte[b.remaining()];
        b.get(data);
        return Octets.of(data);
    }

    private static String text(ByteBuffer b) {
        byte[] data = new byte[b.remaining()];
        b.get(data);
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Encodes {@code message} into a new big-endian buffer, flipped for reading. */
    public static ByteBuffer encode(Dhcp6Message message) {
        return Dhcp6Encoder.encode(message);
    }

    public static byte[] encodeToBytes(Dhcp6Message message) {
        ByteBuffer b = encode(message);
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }
}
