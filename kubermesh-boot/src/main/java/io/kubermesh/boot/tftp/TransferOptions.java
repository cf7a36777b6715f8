package io.kubermesh.boot.tftp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one read transfer runs with, after RFC 2347 negotiation: block size (RFC 2348), the
 * retransmission timeout (RFC 2349), window size (RFC 7440), and the options to acknowledge in an
 * OACK (empty when the client asked for none we know: the transfer then starts with DATA 1).
 */
public record TransferOptions(int blockSize, Duration timeout, int windowSize, List<TftpOption> acknowledged) {
    /** RFC 1350 block size, used when the client does not ask for another. */
    public static final int DEFAULT_BLOCK_SIZE = 512;
    /** RFC 2348 bounds. */
    public static final int MIN_BLOCK_SIZE = 8;
    public static final int MAX_BLOCK_SIZE = 65_464;

    public TransferOptions {
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("blksize " + blockSize + " outside 8..65464");
        }
        if (windowSize < 1 || windowSize > 65_535) {
            throw new IllegalArgumentException("windowsize " + windowSize + " outside 1..65535");
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        acknowledged = List.copyOf(acknowledged);
    }

    /**
     * Negotiates {@code requested} options for a file of {@code fileSize} bytes. Options we do not
     * know, and values outside their RFC range, are left out of the OACK (RFC 2347: the server
     * omits what it does not accept); granted values are capped by the server's limits.
     */
    public static TransferOptions negotiate(List<TftpOption> requested, long fileSize, Limits limits) {
        int blockSize = DEFAULT_BLOCK_SIZE;
        int window = 1;
        Duration timeout = limits.defaultTimeout();
        List<TftpOption> ack = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (TftpOption o : requested) {
            String name = o.name().toLowerCase(Locale.ROOT);
            if (seen.contains(name)) {
                continue;
            }
            seen.add(name);
            long value = parse(o.value());
            switch (name) {
                case TftpOption.BLKSIZE -> {
                    if (value >= MIN_BLOCK_SIZE) {
                        blockSize = (int) Math.min(value, limits.maxBlockSize());
                        ack.add(new TftpOption(o.name(), Integer.toString(blockSize)));
                    }
                }
                case TftpOption.TSIZE -> {
                    // curl (7.88) aborts on "tsize 0" in an OACK, so an empty file leaves tsize out
                    // (RFC 2349 lets the server decline any option).
                    if (value >= 0 && fileSize > 0) {
                        ack.add(new TftpOption(o.name(), Long.toString(fileSize)));
                    }
                }
                case TftpOption.TIMEOUT -> {
                    // RFC 2349: the OACK must echo the client's value, so one above the server's
                    // cap is declined (left out) and the server's default applies.
                    if (value >= 1 && value <= 255 && value <= limits.maxTimeout().getSeconds()) {
                        timeout = Duration.ofSeconds(value);
                        ack.add(new TftpOption(o.name(), Long.toString(value)));
                    }
                }
                case TftpOption.WINDOWSIZE -> {
                    if (value >= 1 && limits.maxWindowSize() > 1) {
                        window = (int) Math.min(value, limits.maxWindowSize());
                        ack.add(new TftpOption(o.name(), Integer.toString(window)));
                    }
                }
                default -> {
                    // RFC 2347: unknown options are ignored and left out of the OACK.
                }
            }
        }
        return new TransferOptions(blockSize, timeout, window, ack);
    }

    /** Decimal value, or -1 for anything that is not a plain non-negative decimal of sane length. */
    private static long parse(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return -1;
        }
        long v = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /**
     * What the server grants at most, and how it retransmits.
     *
     * @param maxBlockSize largest blksize granted (RFC 2348 allows 65464)
     * @param maxWindowSize largest windowsize granted; 1 refuses RFC 7440
     * @param defaultTimeout retransmission timeout unless the client asks for one (RFC 2349)
     * @param maxRetries retransmissions of one window before the transfer is abandoned
     * @param maxTimeout the longest timeout a client may ask for (RFC 2349 allows 255 s); so a
     *     transfer that is never acknowledged holds its slot at most
     *     {@code maxTimeout * (maxRetries + 1)}
     */
    public record Limits(int maxBlockSize, int maxWindowSize, Duration defaultTimeout, int maxRetries,
                         Duration maxTimeout) {
        /** At most 2 s x 5 sends: an unacknowledged transfer ends within 10 s (5 s at the default 1 s). */
        public static final Limits DEFAULT = new Limits(MAX_BLOCK_SIZE, 64, Duration.ofSeconds(1), 4,
                Duration.ofSeconds(2));

        /** Without a cap of its own on the client's timeout beyond RFC 2349's 255 s. */
        public Limits(int maxBlockSize, int maxWindowSize, Duration defaultTimeout, int maxRetries) {
            this(maxBlockSize, maxWindowSize, defaultTimeout, maxRetries, Duration.ofSeconds(255));
        }

        public Limits {
            if (maxBlockSize < MIN_BLOCK_SIZE || maxBlockSize > MAX_BLOCK_SIZE) {
                throw new IllegalArgumentException("maxBlockSize " + maxBlockSize + " outside 8..65464");
            }
            if (maxWindowSize < 1 || maxWindowSize > 65_535) {
                throw new IllegalArgumentException("maxWindowSize " + maxWindowSize + " outside 1..65535");
            }
            if (defaultTimeout.isNegative() || defaultTimeout.isZero() || maxRetries < 0 || maxTimeout.getSeconds() < 1) {
                throw new IllegalArgumentException("a positive timeout and non-negative retries");
            }
        }
    }
}
