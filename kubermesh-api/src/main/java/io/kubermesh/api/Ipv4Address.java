package io.kubermesh.api;

/** A 32-bit IPv4 address in dotted-quad text. */
public record Ipv4Address(int value) implements Comparable<Ipv4Address> {
    public static Ipv4Address parse(String text) {
        return parse("address", text);
    }

    public static Ipv4Address parse(String path, String text) {
        int[] q = text == null ? null : Ipv6Text.parseDottedQuad(text.trim());
        if (q == null) {
            throw new ConfigurationException(path, text, "an IPv4 address like 172.30.2.1");
        }
        return new Ipv4Address((q[0] << 24) | (q[1] << 16) | (q[2] << 8) | q[3]);
    }

    public Ipv4Address plus(long offset) {
        return new Ipv4Address((int) (Integer.toUnsignedLong(value) + offset));
    }

    public byte[] toBytes() {
        return new byte[] {(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value};
    }

    @Override
    public int compareTo(Ipv4Address o) {
        return Integer.compareUnsigned(value, o.value);
    }

    @Override
    public String toString() {
        return ((value >>> 24) & 0xFF) + "." + ((value >>> 16) & 0xFF) + "." + ((value >>> 8) & 0xFF) + "." + (value & 0xFF);
    }
}
