package io.kubermesh.routing.netlink;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One netlink attribute (struct nlattr: u16 length, u16 type, value, padded to 4 bytes) kept
 * raw: attributes a codec does not model decode to this and re-encode byte for byte.
 *
 * @param type the 16-bit type as on the wire, including the NLA_F_NESTED and byte-order bits
 * @param value the payload without header or padding
 */
public record Attribute(int type, byte[] value) {
    /** Bits of {@code type} that are flags, not the attribute number. */
    public static final int FLAGS = 0xC000;
    /** Largest value an attribute can carry: the u16 length minus the 4-byte header. */
    public static final int MAX_VALUE = 0xFFFF - 4;

    public Attribute {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("an attribute type is 16 bits, got " + type);
        }
        if (value.length > MAX_VALUE) {
            throw new IllegalArgumentException("an attribute carries at most " + MAX_VALUE + " bytes, got " + value.length);
        }
        value = value.clone();
    }

    /** The attribute number without flag bits. */
    public int number() {
        return type & ~FLAGS;
    }

    @Override
    public byte[] value() {
        return value.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attribute a && a.type == type && Arrays.equals(a.value, value);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return "Attribute[" + type + "=" + HexFormat.of().formatHex(value) + "]";
    }
}
