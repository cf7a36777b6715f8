package io.kubermesh.routing.daemon;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The cluster's routing key (ARCHITECTURE.md, "Trust"): the shared secret of the OSPFv3
 * authentication trailer (RFC 7166, HMAC-SHA-256) on every mesh port, and, where the daemon
 * supports it, of BFD's authentication (RFC 5880 section 6.7, meticulous keyed SHA-1). The first
 * machine generates it when deployed; every enrolled machine receives it in its Ignition config.
 * A device without it forms no adjacency.
 *
 * <p>Kept in a file of one line, {@code ID HEX} (mode 0600). {@link #toString()} never shows the
 * secret, so a key that reaches a log line or an exception message leaks nothing.
 *
 * @param id the key id carried in every authenticated packet (1..65535), for a later rollover
 * @param secret 64 lower-case hex digits (256 bits)
 */
public record RoutingKey(int id, String secret) {
    private static final Pattern HEX = Pattern.compile("[0-9a-f]{64}");

    public RoutingKey {
        if (id < 1 || id > 65535) {
            throw new ConfigurationException("routing key id", Integer.toString(id), "1..65535");
        }
        if (secret == null || !HEX.matcher(secret).matches()) {
            // The value itself is never echoed.
            throw new ConfigurationException("routing key secret", "(redacted)", "64 lower-case hex digits");
        }
    }

    /** A new key with id 1 and 256 random bits. */
    public static RoutingKey generate(SecureRandom random) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return new RoutingKey(1, HexFormat.of().formatHex(b));
    }

    /** The file's text: {@code ID HEX} and a newline. */
    public String format() {
        return id + " " + secret + "\n";
    }

    /** Reads a key file written by {@link #format()}. */
    public static RoutingKey parse(String text) {
        String[] f = text.trim().split("\\s+");
        if (f.length != 2 || !f[0].matches("\\d{1,5}")) {
            throw new ConfigurationException("routing key", "(redacted)", "one line: ID (1..65535), a space, 64 hex digits");
        }
        return new RoutingKey(Integer.parseInt(f[0]), f[1]);
    }

    /** Reads the key at {@code file}. */
    public static RoutingKey read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new KubermeshException("cannot read the routing key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the key to {@code file} as a ring of this key alone (mode 0600, through a rename). */
    public void write(Path file) {
        RoutingKeyring.of(this).write(file);
    }

    /** The OSPFv3 authentication key: the secret itself. */
    public String ospfKey() {
        return secret;
    }

    /**
     * BFD's key, derived so the OSPF key is never used twice: 20 hex digits of
     * SHA-256("kubermesh-bfd:" + secret). Keyed SHA-1 takes at most 20 bytes of key (RFC 5880
     * section 4.4).
     */
    public String bfdKey() {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("kubermesh-bfd:" + secret).getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(h).substring(0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "RoutingKey[id=" + id + ", secret=(redacted)]";
    }
}
