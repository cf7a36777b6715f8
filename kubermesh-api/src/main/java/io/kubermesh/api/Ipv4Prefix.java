package io.kubermesh.api;

/** An IPv4 prefix whose bits past {@code length} are zero. */
public record Ipv4Prefix(Ipv4Address network, int length) implements Comparable<Ipv4Prefix> {
    public Ipv4Prefix {
        if (network == null) {
            throw new IllegalArgumentException("a prefix needs a network address");
        }
        if (length < 0 || length > 32) {
            throw new IllegalArgumentException("an IPv4 prefix length is 0..32, got " + length);
        }
        if ((network.value() & ~mask(length)) != 0) {
            throw new IllegalArgumentException(network + "/" + length + " has bits set past /" + length);
        }
    }

    static int mask(int length) {
        return length == 0 ? 0 : -1 << (32 - length);
    }

    public static Ipv4Prefix parse(String path, String text) {
        String expected = "an IPv4 prefix like 172.30.2.0/24";
        if (text == null) {
            throw new ConfigurationException(path, null, expected);
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new ConfigurationException(path, text, expected + " (the /length is missing)");
        }
        int[] q = Ipv6Text.parseDottedQuad(text.substring(0, slash).trim());
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (q == null || length < 0 || length > 32) {
            throw new ConfigurationException(path, text, expected);
        }
        int v = (q[0] << 24) | (q[1] << 16) | (q[2] << 8) | q[3];
        if ((v & ~mask(length)) != 0) {
            throw new ConfigurationException(path, text, "the bits past /" + length + " must be zero; did you mean "
                    + new Ipv4Address(v & mask(length)) + "/" + length + "?");
        }
        return new Ipv4Prefix(new Ipv4Address(v), length);
    }

    public static Ipv4Prefix parse(String text) {
        return parse("prefix", text);
    }

    /** Number of addresses, 1 to 2^32. */
    public long size() {
        return 1L << (32 - length);
    }

    public boolean contains(Ipv4Address a) {
        return (a.value() & mask(length)) == network.value();
    }

    public boolean contains(Ipv4Prefix p) {
        return p.length >= length && contains(p.network);
    }

    public Ipv4Address address(long offset) {
        if (offset < 0 || offset >= size()) {
            throw new IllegalArgumentException("offset " + offset + " is outside " + this);
        }
        return network.plus(offset);
    }

    @Override
    public int compareTo(Ipv4Prefix o) {
        int c = network.compareTo(o.network);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    @Override
    public String toString() {
        return network + "/" + length;
    }
}
