package io.kubermesh.api;

import java.util.Locale;

/**
 * A 48-bit IEEE 802 MAC address. Text form is lower-case, colon separated
 * ({@code 52:54:00:12:34:56}); {@link #parse} also takes hyphens and upper case.
 *
 * @param value the 48 bits, most significant octet first, in the low bits of the long
 */
public record MacAddress(long value) implements Comparable<MacAddress> {
    public static final long MASK = 0xFFFF_FFFF_FFFFL;

    public MacAddress {
        if ((value & ~MASK) != 0) {
            throw new IllegalArgumentException("a MAC address has 48 bits, got 0x" + Long.toHexString(value));
        }
    }

    /** Parses {@code aa:bb:cc:dd:ee:ff} or {@code aa-bb-cc-dd-ee-ff}; anything else is a {@link ConfigurationException}. */
    public static MacAddress parse(String text) {
        return parse("mac", text);
    }

    /** As {@link #parse(String)}, naming {@code path} in the error. */
    public static MacAddress parse(String path, String text) {
        if (text == null) {
            throw new ConfigurationException(path, null, "a MAC address like 52:54:00:12:34:56");
        }
        String t = text.trim();
        if (t.length() != 17) {
            throw bad(path, text);
        }
        char sep = t.charAt(2);
        if (sep != ':' && sep != '-') {
            throw bad(path, text);
        }
        long v = 0;
        for (int i = 0; i < 6; i++) {
            int at = i * 3;
            if (i > 0 && t.charAt(at - 1) != sep) {
                throw bad(path, text);
            }
            int hi = Character.digit(t.charAt(at), 16);
            int lo = Character.digit(t.charAt(at + 1), 16);
            if (hi < 0 || lo < 0) {
                throw bad(path, text);
            }
            v = (v << 8) | (hi << 4) | lo;
        }
        return new MacAddress(v);
    }

    private static ConfigurationException bad(String path, String text) {
        return new ConfigurationException(path, text,
                "a MAC address is six hex octets separated by ':' or '-', like 52:54:00:12:34:56");
    }

    public static MacAddress fromBytes(byte[] six) {
        if (six.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes, got " + six.length);
        }
        long v = 0;
        for (byte b : six) {
            v = (v << 8) | (b & 0xFF);
        }
        return new MacAddress(v);
    }

    public byte[] toBytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (value >>> (40 - 8 * i));
        }
        return b;
    }

    /** The I/G bit of the first octet: group (multicast or broadcast) addresses never name a node. */
    public boolean isMulticast() {
        return (value & (1L << 40)) != 0;
    }

    /** The U/L bit of the first octet is clear: assigned by the manufacturer. */
    public boolean isUniversal() {
        return (value & (1L << 41)) == 0;
    }

    public boolean isLocallyAdministered() {
        return !isUniversal();
    }

    public boolean isZero() {
        return value == 0;
    }

    /** A MAC that can name a node: unicast and not all zeros. */
    public boolean isUsableIdentity() {
        return !isMulticast() && !isZero();
    }

    /** The modified EUI-64 interface identifier (RFC 4291 appendix A) for link-local addresses. */
    public long eui64() {
        long oui = (value >>> 24) ^ 0x020000L;
        long nic = value & 0xFFFFFFL;
        return (oui << 40) | (0xFFFEL << 24) | nic;
    }

    @Override
    public int compareTo(MacAddress o) {
        return Long.compare(value, o.value);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (int i = 0; i < 6; i++) {
            if (i > 0) {
                sb.append(':');
            }
            int octet = (int) (value >>> (40 - 8 * i)) & 0xFF;
            sb.append(Character.forDigit(octet >>> 4, 16)).append(Character.forDigit(octet & 0xF, 16));
        }
        return sb.toString().toLowerCase(Locale.ROOT);
    }
}
