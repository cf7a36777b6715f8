package io.kubermesh.routing.daemon;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The routing keys a node holds (docs/trust.md, "Rolling the routing key"): the key it signs
 * with, and the keys whose packets it accepts as well. A roll of the cluster's key goes through
 * three rings, each held by every node before the next: {@code {send K}} then {@code {send K,
 * accept N}} (every node accepts the new key before anyone signs with it), {@code {send N, accept
 * K}} (every node signs with the new key while one still signing with the old is heard), and
 * {@code {send N}} (the old key, which a revoked machine may still hold, is worth nothing).
 *
 * <p>Kept in {@code STATE/pki/routing.key} (mode 0600): one line {@code ID HEX} a key, the key
 * signed with first. A file of one line, as a machine enrolled before rolls existed has, is a
 * ring of that key alone. {@link #toString()} shows ids, never secrets.
 *
 * @param send the key every packet this node sends is signed with
 * @param accepted further keys whose packets are accepted (at most {@value #MAX_ACCEPTED}), ids
 *     distinct from {@code send}'s and each other's
 */
public record RoutingKeyring(RoutingKey send, List<RoutingKey> accepted) {
    /** Keys accepted besides the one signed with: one roll at a time. */
    public static final int MAX_ACCEPTED = 1;

    public RoutingKeyring {
        if (send == null) {
            throw new ConfigurationException("routing key", null, "a key to sign with");
        }
        accepted = List.copyOf(accepted);
        if (accepted.size() > MAX_ACCEPTED) {
            throw new ConfigurationException("routing keys", accepted.size() + 1 + " keys",
                    "the key signed with and at most " + MAX_ACCEPTED + " more (one roll at a time)");
        }
        Set<Integer> ids = new HashSet<>();
        ids.add(send.id());
        for (RoutingKey k : accepted) {
            if (!ids.add(k.id())) {
                throw new ConfigurationException("routing keys", "id " + k.id() + " twice", "distinct key ids");
            }
        }
    }

    /** A ring of one key. */
    public static RoutingKeyring of(RoutingKey key) {
        return new RoutingKeyring(key, List.of());
    }

    /** Every key, the one signed with first. */
    public List<RoutingKey> all() {
        List<RoutingKey> out = new ArrayList<>();
        out.add(send);
        out.addAll(accepted);
        return out;
    }

    /** The ids, for status and logs: {@code 2} or {@code 2 (also accepting 1)}. */
    public String ids() {
        if (accepted.isEmpty()) {
            return Integer.toString(send.id());
        }
        StringBuilder s = new StringBuilder().append(send.id()).append(" (also accepting ");
        for (int i = 0; i < accepted.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(accepted.get(i).id());
        }
        return s.append(')').toString();
    }

    /** The file's text: a line {@code ID HEX} a key, the key signed with first. */
    public String format() {
        StringBuilder s = new StringBuilder();
        all().forEach(k -> s.append(k.format()));
        return s.toString();
    }

    /** Reads a file written by {@link #format()} (or by {@link RoutingKey#format()}: one key). */
    public static RoutingKeyring parse(String text) {
        List<RoutingKey> keys = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isBlank()) {
                keys.add(RoutingKey.parse(line));
            }
        }
        if (keys.isEmpty()) {
            throw new ConfigurationException("routing key", "(empty)", "a line ID (1..65535), a space, 64 hex digits");
        }
        return new RoutingKeyring(keys.get(0), keys.subList(1, keys.size()));
    }

    /** Reads the ring at {@code file}. */
    public static RoutingKeyring read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new KubermeshException("cannot read the routing key " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes the ring to {@code file}, mode 0600 from creation on, through a rename. */
    public void write(Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, format(), StandardCharsets.US_ASCII);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new KubermeshException("cannot write the routing key " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "RoutingKeyring[" + ids() + ", secrets (redacted)]";
    }
}
