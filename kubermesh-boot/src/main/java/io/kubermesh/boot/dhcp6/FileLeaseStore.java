package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Leases in one text file, {@code dhcp6.leases} in the state directory, rewritten whole on every
 * change: write {@code dhcp6.leases.tmp}, fsync it, rename it over the file, fsync the directory.
 * A crash at any point leaves either the old or the new file, never a torn one; a stale
 * temporary file is ignored and overwritten.
 *
 * <p>Format (UTF-8, one lease per line, space separated):
 * <pre>
 * # kubermesh dhcp6 leases v3
 * PORT ADDRESS CLIENT IAID EXPIRES-EPOCH-SECONDS DUID-HEX GONE
 * </pre>
 * GONE is {@code -}, or the epoch second the port's cable lost carrier while the lease ran
 * ({@link Lease#gone()}). A version 2 file (no GONE field) and a version 1 file (written before
 * leases named their IA: no IAID field either, its leases answering any IA of their client) are
 * read, and rewritten as version 3 at the next change.
 */
public final class FileLeaseStore implements LeaseStore {
    static final String HEADER = "# kubermesh dhcp6 leases v3";
    static final String HEADER_V2 = "# kubermesh dhcp6 leases v2";
    static final String HEADER_V1 = "# kubermesh dhcp6 leases v1";
    private final Path file;
    private final Path temporary;
    private final Runnable beforeRename;

    /** A store in {@code stateDirectory}, created if missing. */
    public FileLeaseStore(Path stateDirectory) {
        this(stateDirectory, () -> { });
    }

    /** For crash tests: {@code beforeRename} runs after the temporary file is durable, before it replaces the file. */
    FileLeaseStore(Path stateDirectory, Runnable beforeRename) {
        try {
            Files.createDirectories(stateDirectory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the DHCPv6 state directory " + stateDirectory, e);
        }
        this.file = stateDirectory.resolve("dhcp6.leases");
        this.temporary = stateDirectory.resolve("dhcp6.leases.tmp");
        this.beforeRename = beforeRename;
    }

    public Path file() {
        return file;
    }

    @Override
    public List<Lease> load() {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        if (lines.isEmpty() || !List.of(HEADER, HEADER_V2, HEADER_V1).contains(lines.get(0))) {
            throw new KubermeshException(file + " is not a kubermesh lease file (its first line must be '" + HEADER
                    + "', '" + HEADER_V2 + "' or '" + HEADER_V1 + "'; a newer agent may have written it): move it aside and"
                    + " restart the agent, which then starts with no leases (clients ask again)");
        }
        boolean v1 = lines.get(0).equals(HEADER_V1);
        boolean v3 = lines.get(0).equals(HEADER);
        int fields = v1 ? 5 : v3 ? 7 : 6;
        int expires = v1 ? 3 : 4;
        List<Lease> leases = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split(" ");
            if (f.length != fields) {
                throw new KubermeshException(file + ":" + (i + 1) + ": expected " + fields + " fields, got '" + line + "'");
            }
            try {
                long iaid = v1 || f[3].equals("-") ? Lease.ANY_IA : Long.parseLong(f[3]);
                if (iaid < 0 && !(v1 || f[3].equals("-"))) {
                    throw new IllegalArgumentException("IAID " + f[3] + " is negative");
                }
                Instant gone = !v3 || f[6].equals("-") ? null : Instant.ofEpochSecond(Long.parseLong(f[6]));
                leases.add(new Lease(Integer.parseInt(f[0]), f[2], Ipv6Address.parse(f[1]), iaid,
                        Instant.ofEpochSecond(Long.parseLong(f[expires])), f[expires + 1], gone));
            } catch (RuntimeException e) {
                throw new KubermeshException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return leases;
    }

    @Override
    public void replace(List<Lease> leases) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Lease l : leases) {
            sb.append(l.port()).append(' ').append(l.address()).append(' ').append(l.client()).append(' ')
                    .append(l.iaid() == Lease.ANY_IA ? "-" : Long.toString(l.iaid())).append(' ')
                    .append(l.expires().getEpochSecond()).append(' ').append(l.duid()).append(' ')
                    .append(l.gone() == null ? "-" : Long.toString(l.gone().getEpochSecond())).append('\n');
        }
        ByteBuffer bytes = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.UTF_8));
        try {
            try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(true);
            }
            beforeRename.run();
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel dir = FileChannel.open(file.getParent(), StandardOpenOption.READ)) {
                dir.force(true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store DHCPv6 leases in " + file, e);
        }
    }
}
