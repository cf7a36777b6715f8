package io.kubermesh.boot.tftp;

import java.util.Objects;

/**
 * One RFC 2347 option: a name and a value, both NUL-terminated ASCII on the wire. Names are open
 * ({@code blksize}, {@code tsize}, {@code timeout}, {@code windowsize} or anything a client sends)
 * and keep their spelling so a packet re-encodes byte for byte.
 */
public record TftpOption(String name, String value) {
    public static final String BLKSIZE = "blksize";
    public static final String TSIZE = "tsize";
    public static final String TIMEOUT = "timeout";
    public static final String WINDOWSIZE = "windowsize";

    public TftpOption {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("an option name is not empty");
        }
        if (!(name + value).chars().allMatch(c -> c > 0 && c <= 0xFF)) {
            throw new IllegalArgumentException("option names and values are octets other than NUL");
        }
    }
}
