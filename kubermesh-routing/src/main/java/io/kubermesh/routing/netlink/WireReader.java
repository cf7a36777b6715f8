package io.kubermesh.routing.netlink;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MalformedPacketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Bounds-checked reads over a slice of a netlink buffer: every short read is a
 * {@link MalformedPacketException} naming what was being read, never an index error.
 */
final class WireReader {
    private final ByteBuffer buf;

    WireReader(ByteBuffer buf, ByteOrder order) {
        this.buf = buf.slice().order(order);
    }

    private WireReader(ByteBuffer slice) {
        this.buf = slice;
    }

    int remaining() {
        return buf.remaining();
    }

    private void need(int n, String what) {
        if (buf.remaining() < n) {
            throw new MalformedPacketException(what + ": need " + n + " bytes, " + buf.remaining() + " left");
        }
    }

    int u8(String what) {
        need(1, what);
        return buf.get() & 0xFF;
    }

    int u16(String what) {
        need(2, what);
        return buf.getShort() & 0xFFFF;
    }

    int s32(String what) {
        need(4, what);
        return buf.getInt();
    }

    long u32(String what) {
        return s32(what) & 0xFFFF_FFFFL;
    }

    byte[] bytes(int n, String what) {
        if (n < 0) {
            throw new MalformedPacketException(what + ": negative length " + n);
        }
        need(n, what);
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    void skip(int n) {
        buf.position(buf.position() + Math.min(n, buf.remaining()));
    }

    /** The next {@code n} bytes as their own reader; this one moves past them. */
    WireReader sub(int n, String what) {
        if (n < 0) {
            throw new MalformedPacketException(what + ": negative length " + n);
        }
        need(n, what);
        ByteBuffer s = buf.slice().limit(n).order(buf.order());
        buf.position(buf.position() + n);
        return new WireReader(s.slice().order(buf.order()));
    }

    ByteOrder order() {
        return buf.order();
    }

    /** The rest as attributes (struct nlattr, 4-byte aligned; a missing final pad is tolerated). */
    List<Attribute> attributes(String what) {
        List<Attribute> out = new ArrayList<>();
        while (buf.remaining() > 0) {
            int len = u16(what + " attribute length");
            int type = u16(what + " attribute type");
            if (len < 4) {
                throw new MalformedPacketException(what + ": attribute " + type + " has length " + len + " < 4");
            }
            out.add(new Attribute(type, bytes(len - 4, what + " attribute " + type)));
            skip(Wire.pad(len));
        }
        return out;
    }

    static int u8(Attribute a, String what) {
        return exact(a, 1, what)[0] & 0xFF;
    }

    static int u32(Attribute a, ByteOrder order, String what) {
        return ByteBuffer.wrap(exact(a, 4, what)).order(order).getInt();
    }

    static Ipv6Address ipv6(Attribute a, String what) {
        return Ipv6Address.fromBytes(exact(a, 16, what));
    }

    /** A C string: up to the first NUL, or the whole value when there is none. */
    static String string(Attribute a) {
        byte[] v = a.value();
        int n = 0;
        while (n < v.length && v[n] != 0) {
            n++;
        }
        return new String(v, 0, n, StandardCharsets.UTF_8);
    }

    static byte[] exact(Attribute a, int n, String what) {
        byte[] v = a.value();
        if (v.length != n) {
            throw new MalformedPacketException(what + ": expected " + n + " bytes, got " + v.length);
        }
        return v;
    }
}
