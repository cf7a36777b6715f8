package io.kubermesh.api;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A 128-bit IPv6 address as two longs. Text form is RFC 5952 (lower case, longest run of two or
 * more zero groups compressed, leftmost on ties). Arithmetic wraps like unsigned 128-bit integers.
 *
 * @param high the first 64 bits (network half)
 * @param low the last 64 bits (interface identifier half)
 */
public record Ipv6Address(long high, long low) implements Comparable<Ipv6Address> {
    public static final Ipv6Address ZERO = new Ipv6Address(0, 0);

    /** Parses RFC 4291 text, including {@code ::} and a trailing dotted IPv4 part; no zone, no prefix. */
    public static Ipv6Address parse(String text) {
        return parse("address", text);
    }

    /** As {@link #parse(String)}, naming {@code path} in the error. */
    public static Ipv6Address parse(String path, String text) {
        long[] v = Ipv6Text.parse(text);
        if (v == null) {
            throw new ConfigurationException(path, text, "an IPv6 address in RFC 4291 text, like 2001:db8::1");
        }
        return new Ipv6Address(v[0], v[1]);
    }

    public static Ipv6Address fromBytes(byte[] sixteen) {
        if (sixteen.length != 16) {
            throw new IllegalArgumentException("an IPv6 address has 16 bytes, got " + sixteen.length);
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (sixteen[i] & 0xFF);
            l = (l << 8) | (sixteen[i + 8] & 0xFF);
        }
        return new Ipv6Address(h, l);
    }

    public byte[] toBytes() {
        byte[] b = new byte[16];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (high >>> (56 - 8 * i));
            b[i + 8] = (byte) (low >>> (56 - 8 * i));
        }
        return b;
    }

    public Inet6Address toInetAddress() {
        try {
            return (Inet6Address) InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("16 bytes are always an address", e);
        }
    }

    public static Ipv6Address of(Inet6Address address) {
        return fromBytes(address.getAddress());
    }

    /** This address plus an unsigned 64-bit offset, carrying into the high half. */
    public Ipv6Address plus(long offset) {
        long l = low + offset;
        long h = high + (Long.compareUnsigned(l, low) < 0 ? 1 : 0);
        return new Ipv6Address(h, l);
    }

    /** The first {@code length} bits of this address, the rest zero. */
    public Ipv6Address mask(int length) {
        if (length <= 0) {
            return ZERO;
        }
        if (length >= 128) {
            return this;
        }
        if (length <= 64) {
            long m = length == 64 ? -1L : ~(-1L >>> length);
            return new Ipv6Address(high & m, 0);
        }
        return new Ipv6Address(high, low & ~(-1L >>> (length - 64)));
    }

    /** True for fe80::/10. */
    public boolean isLinkLocal() {
        return (high & 0xFFC0_0000_0000_0000L) == 0xFE80_0000_0000_0000L;
    }

    /** True for ff00::/8. */
    public boolean isMulticast() {
        return (high >>> 56) == 0xFF;
    }

    @Override
    public int compareTo(Ipv6Address o) {
        int c = Long.compareUnsigned(high, o.high);
        return c != 0 ? c : Long.compareUnsigned(low, o.low);
    }

    @Override
    public String toString() {
        return Ipv6Text.format(high, low);
    }
}
