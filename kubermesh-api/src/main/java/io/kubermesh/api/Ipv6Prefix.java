package io.kubermesh.api;

/**
 * An IPv6 prefix: a network address whose bits past {@code length} are zero. Text form is
 * {@code address/length} in RFC 5952.
 */
public record Ipv6Prefix(Ipv6Address network, int length) implements Comparable<Ipv6Prefix> {
    public Ipv6Prefix {
        if (network == null) {
            throw new IllegalArgumentException("a prefix needs a network address");
        }
        if (length < 0 || length > 128) {
            throw new IllegalArgumentException("an IPv6 prefix length is 0..128, got " + length);
        }
        if (!network.mask(length).equals(network)) {
            throw new IllegalArgumentException(network + "/" + length + " has bits set past /" + length
                    + "; the network is " + network.mask(length) + "/" + length);
        }
    }

    public static Ipv6Prefix parse(String text) {
        return parse("prefix", text);
    }

    /** Parses {@code 2001:db8::/71}; a bad prefix is a {@link ConfigurationException} naming {@code path}. */
    public static Ipv6Prefix parse(String path, String text) {
        String expected = "an IPv6 prefix like 2001:db8::/71";
        if (text == null) {
            throw new ConfigurationException(path, null, expected);
        }
        int slash = text.indexOf('/');
        if (slash < 0) {
            throw new ConfigurationException(path, text, expected + " (the /length is missing)");
        }
        long[] v = Ipv6Text.parse(text.substring(0, slash));
        int length;
        try {
            length = Integer.parseInt(text.substring(slash + 1).trim());
        } catch (NumberFormatException e) {
            length = -1;
        }
        if (v == null || length < 0 || length > 128) {
            throw new ConfigurationException(path, text, expected);
        }
        Ipv6Address a = new Ipv6Address(v[0], v[1]);
        if (!a.mask(length).equals(a)) {
            throw new ConfigurationException(path, text, "the bits past /" + length
                    + " must be zero; did you mean " + a.mask(length) + "/" + length + "?");
        }
        return new Ipv6Prefix(a, length);
    }

    public boolean contains(Ipv6Address address) {
        return address.mask(length).equals(network);
    }

    /** True when every address of {@code other} is in this prefix. */
    public boolean contains(Ipv6Prefix other) {
        return other.length >= length && contains(other.network);
    }

    public boolean overlaps(Ipv6Prefix other) {
        return contains(other.network) || other.contains(network);
    }

    /** The last address of the prefix. */
    public Ipv6Address last() {
        if (length == 0) {
            return new Ipv6Address(-1L, -1L);
        }
        if (length <= 64) {
            return new Ipv6Address(network.high() | (length == 64 ? 0 : (-1L >>> length)), -1L);
        }
        return new Ipv6Address(network.high(), network.low() | (length == 128 ? 0 : (-1L >>> (length - 64))));
    }

    /** The {@code offset}-th address of the prefix; the offset must be inside it. */
    public Ipv6Address address(long offset) {
        if (offset < 0 || (length > 64 && length < 128 && offset >>> (128 - length) != 0)
                || (length == 128 && offset != 0)) {
            throw new IllegalArgumentException("offset " + offset + " is outside " + this);
        }
        return network.plus(offset);
    }

    @Override
    public int compareTo(Ipv6Prefix o) {
        int c = network.compareTo(o.network);
        return c != 0 ? c : Integer.compare(length, o.length);
    }

    @Override
    public String toString() {
        return network + "/" + length;
    }
}
