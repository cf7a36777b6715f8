package io.kubermesh.boot.dhcp6;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * An immutable run of bytes with value equality: opaque option data (DUID identifiers, class
 * data, raw options). Arrays in records compare by identity; this does not.
 */
public final class Octets {
    private static final HexFormat HEX = HexFormat.of();
    public static final Octets EMPTY = new Octets(new byte[0]);
    private final byte[] bytes;

    private Octets(byte[] bytes) {
        this.bytes = bytes;
    }

    /** A copy of {@code bytes}. */
    public static Octets of(byte[] bytes) {
        return new Octets(bytes.clone());
    }

    /** The US-ASCII/UTF-8 bytes of {@code text}. */
    public static Octets ofText(String text) {
        return new Octets(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Parses lower- or upper-case hex with no separators. */
    public static Octets ofHex(String hex) {
        return new Octets(HEX.parseHex(hex));
    }

    public int length() {
        return bytes.length;
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Byte {@code i} as 0..255. */
    public int get(int i) {
        return bytes[i] & 0xFF;
    }

    public String toText() {
        return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }

    public String toHex() {
        return HEX.formatHex(bytes);
    }

    void writeTo(java.nio.ByteBuffer out) {
        out.put(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return toHex();
    }
}
