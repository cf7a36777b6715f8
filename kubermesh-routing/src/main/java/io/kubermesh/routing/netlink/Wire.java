package io.kubermesh.routing.netlink;

import io.kubermesh.api.Ipv6Address;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/** A growing netlink buffer in an explicit byte order, with 4-byte attribute alignment (NLA_ALIGN). */
final class Wire {
    private final ByteOrder order;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream(128);

    Wire(ByteOrder order) {
        this.order = order;
    }

    static int pad(int len) {
        return (4 - (len & 3)) & 3;
    }

    ByteOrder order() {
        return order;
    }

    int size() {
        return out.size();
    }

    Wire u8(int v) {
        out.write(v);
        return this;
    }

    Wire u16(int v) {
        return raw(ByteBuffer.allocate(2).order(order).putShort((short) v).array());
    }

    Wire u32(long v) {
        return raw(ByteBuffer.allocate(4).order(order).putInt((int) v).array());
    }

    Wire raw(byte[] b) {
        out.write(b, 0, b.length);
        return this;
    }

    Wire zeros(int n) {
        for (int i = 0; i < n; i++) {
            out.write(0);
        }
        return this;
    }

    Wire attr(int type, byte[] value) {
        u16(value.length + 4).u16(type).raw(value);
        return zeros(pad(value.length));
    }

    Wire attr(Attribute a) {
        return attr(a.type(), a.value());
    }

    Wire attrU32(int type, long v) {
        return attr(type, ByteBuffer.allocate(4).order(order).putInt((int) v).array());
    }

    Wire attrIpv6(int type, Ipv6Address a) {
        return attr(type, a.toBytes());
    }

    /** A C string attribute, NUL terminated. */
    Wire attrString(int type, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        byte[] v = new byte[b.length + 1];
        System.arraycopy(b, 0, v, 0, b.length);
        return attr(type, v);
    }

    /** A nested attribute whose value {@code body} writes. */
    Wire nested(int type, Consumer<Wire> body) {
        Wire inner = new Wire(order);
        body.accept(inner);
        return attr(type, inner.toBytes());
    }

    byte[] toBytes() {
        return out.toByteArray();
    }
}
