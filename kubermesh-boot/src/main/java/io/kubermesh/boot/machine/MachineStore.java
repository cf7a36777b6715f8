package io.kubermesh.boot.machine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Machine records and secrets in a state directory, one JSON file per machine under
 * {@code machines/} and, mode 0600, {@code secrets/}. Every write is crash-safe: a temporary file
 * in the same directory, fsync, atomic rename, fsync of the directory; a crash leaves the old or
 * the new record, never a torn one.
 */
public final class MachineStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path machines;
    private final Path secrets;

    public MachineStore(Path stateDirectory) {
        this.machines = stateDirectory.resolve("machines");
        this.secrets = stateDirectory.resolve("secrets");
        try {
            Files.createDirectories(machines);
            Files.createDirectories(secrets);
            Files.setPosixFilePermissions(secrets, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new KubermeshException("cannot create state directory " + stateDirectory + ": " + e.getMessage(), e);
        }
    }

    private static String fileName(MacAddress mac) {
        return mac.toString().replace(':', '-') + ".json";
    }

    public synchronized Optional<Machine> get(MacAddress mac) {
        Path p = machines.resolve(fileName(mac));
        if (!Files.exists(p)) {
            return Optional.empty();
        }
        return Optional.of(read(p));
    }

    /** Every machine, ordered by MAC. */
    public synchronized List<Machine> all() {
        List<Machine> out = new ArrayList<>();
        try (var s = Files.list(machines)) {
            for (Path p : (Iterable<Path>) s.filter(f -> f.getFileName().toString().endsWith(".json"))::iterator) {
                out.add(read(p));
            }
        } catch (IOException e) {
            throw new KubermeshException("cannot list " + machines + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(Machine::mac));
        return out;
    }

    public synchronized void put(Machine m) {
        writeAtomically(machines.resolve(fileName(m.mac())), toJson(m));
    }

    /** The record as JSON (the form it has on disk and in a {@link MachineDirectory}); no secret is in it. */
    public static String toJson(Machine m) {
        ObjectNode n = JSON.createObjectNode();
        n.put("mac", m.mac().toString());
        n.put("node", m.node());
        n.put("port", m.port());
        n.put("uuid", m.uuid());
        n.put("arch", m.arch());
        n.put("serial", m.serial());
        n.put("profile", m.profile());
        n.put("state", m.state().name().toLowerCase(java.util.Locale.ROOT));
        n.put("firstSeen", m.firstSeen());
        n.put("lastSeen", m.lastSeen());
        return n.toPrettyString();
    }

    /** A record from {@link #toJson}; a {@link KubermeshException} when it is not one. */
    public static Machine fromJson(String json) {
        try {
            return fromTree(JSON.readTree(json));
        } catch (IOException | RuntimeException e) {
            throw new KubermeshException("not a machine record: " + e.getMessage(), e);
        }
    }

    private static Machine fromTree(JsonNode n) {
        return new Machine(MacAddress.parse("mac", n.path("mac").asText()), n.path("node").asText(""),
                n.path("port").asText(),
                n.path("uuid").asText(), n.path("arch").asText(), n.path("serial").asText(), n.path("profile").asText(),
                MachineState.valueOf(n.path("state").asText().toUpperCase(java.util.Locale.ROOT)),
                n.path("firstSeen").asText(), n.path("lastSeen").asText());
    }

    /** Reads, changes and writes one machine under the store's lock; returns the new record. */
    public synchronized Optional<Machine> update(MacAddress mac, UnaryOperator<Machine> change) {
        Optional<Machine> m = get(mac).map(change);
        m.ifPresent(this::put);
        return m;
    }

    /** The machine's secrets, created (a 256-bit random join token) on first use. */
    public synchronized MachineSecrets secrets(MacAddress mac) {
        Path p = secrets.resolve(fileName(mac));
        try {
            if (Files.exists(p)) {
                return new MachineSecrets(JSON.readTree(p.toFile()).path("joinToken").asText());
            }
            byte[] token = new byte[32];
            RANDOM.nextBytes(token);
            MachineSecrets s = new MachineSecrets(HexFormat.of().formatHex(token));
            writeAtomically(p, JSON.createObjectNode().put("joinToken", s.joinToken()).toPrettyString());
            return s;
        } catch (IOException e) {
            throw new KubermeshException("cannot read secrets of " + mac + ": " + e.getMessage(), e);
        }
    }

    /**
     * A fresh per-boot secret for {@code mac} (256 random bits, hex), replacing the one before: it
     * goes into the installer's boot chain, served only on the machine's own port, and the
     * machine's Ignition and phone-home requests must carry it.
     */
    public synchronized String newBootSecret(MacAddress mac) {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        String secret = HexFormat.of().formatHex(b);
        writeAtomically(secrets.resolve(mac.toString().replace(':', '-') + ".boot"), secret + "\n");
        return secret;
    }

    /** The per-boot secret last handed to {@code mac}, if any. */
    public synchronized Optional<String> bootSecret(MacAddress mac) {
        Path p = secrets.resolve(mac.toString().replace(':', '-') + ".boot");
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p).strip()) : Optional.empty();
        } catch (IOException e) {
            throw new KubermeshException("cannot read the boot secret of " + mac + ": " + e.getMessage(), e);
        }
    }

    private static Machine read(Path p) {
        try {
            return fromTree(JSON.readTree(p.toFile()));
        } catch (IOException | IllegalArgumentException e) {
            throw new KubermeshException("machine record " + p + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Temp file, fsync, rename over, fsync the directory. */
    static void writeAtomically(Path target, String text) {
        Path dir = target.getParent();
        Path tmp = dir.resolve("." + target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new KubermeshException("state directory " + dir + " cannot rename atomically", e);
            }
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true);
            }
        } catch (IOException e) {
            throw new KubermeshException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }
}
