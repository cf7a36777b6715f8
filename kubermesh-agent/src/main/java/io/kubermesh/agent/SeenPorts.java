package io.kubermesh.agent;

import io.kubermesh.addressing.DurableFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ports an agent of this boot has turned up, kept in the state directory so that an agent
 * restarted by its supervisor knows them: a port it finds down that an earlier agent of the same
 * boot turned up was taken down since (a cut at this end, an operator's {@code ip link set down})
 * and is left down, while a port never seen (a cable plugged while no agent ran) is turned up.
 *
 * <p>A port is named by its interface name and kernel index, so a link made again (a cable pulled
 * and plugged, a lab machine made anew) is a new port; the file names the boot it belongs to
 * ({@code /proc/sys/kernel/random/boot_id}), so after a reboot, when every port starts down, it
 * says nothing. The file is rewritten whole ({@link DurableFile}), so a crash leaves the old file
 * or the new one; it holds one line per interface name. A file that cannot be read is reported and taken as empty:
 * the agent then turns its ports up as on a first start.
 */
public final class SeenPorts {
    private static final Logger LOG = LoggerFactory.getLogger(SeenPorts.class);
    /** The file's name in the state directory. */
    public static final String FILE = "ports.seen";
    static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    private static final Pattern BOOT = Pattern.compile("boot [0-9a-fA-F-]{1,64}");
    private static final Pattern PORT = Pattern.compile("[A-Za-z0-9_.-]{1,15} [0-9]{1,10}");

    private final Path file;
    private final String boot;
    /** Interface name to the kernel index it had when it was turned up: one entry per name. */
    private final Map<String, Integer> seen = new LinkedHashMap<>();

    private SeenPorts(Path file, String boot) {
        this.file = file;
        this.boot = boot;
    }

    /** What {@code file} holds for boot {@code boot}; nothing when it is of another boot, missing or unreadable. */
    public static SeenPorts load(Path file, String boot) {
        SeenPorts ports = new SeenPorts(file, boot);
        if (file == null) {
            return ports;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        } catch (NoSuchFileException e) {
            return ports;
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("cannot read {} ({}): every port found down is turned up, as on a first start", file, e.getMessage());
            return ports;
        }
        if (lines.isEmpty() || !BOOT.matcher(lines.get(0)).matches()) {
            LOG.warn("{} does not start with a boot line; every port found down is turned up, as on a first start", file);
            return ports;
        }
        if (!lines.get(0).substring("boot ".length()).equals(boot)) {
            return ports; // another boot: every port started down
        }
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!PORT.matcher(line).matches()) {
                LOG.warn("{} line {} is not 'NAME INDEX' and is ignored", file, i + 1);
                continue;
            }
            String[] f = line.split(" ");
            ports.seen.put(f[0], Integer.parseInt(f[1]));
        }
        return ports;
    }

    /** What {@code stateDirectory}'s file holds for this boot (as the kernel names it). */
    public static SeenPorts inStateDirectory(Path stateDirectory) {
        Optional<String> boot = currentBoot().filter(b -> BOOT.matcher("boot " + b).matches());
        if (boot.isEmpty()) {
            LOG.warn("{} names no boot id: the ports turned up are not recorded, so a restarted agent turns up a port"
                    + " taken down since", BOOT_ID);
            return inMemory();
        }
        return load(stateDirectory.resolve(FILE), boot.get());
    }

    /** Kept in memory only: every port found down on start is turned up. */
    public static SeenPorts inMemory() {
        return new SeenPorts(null, "unknown");
    }

    static Optional<String> currentBoot() {
        try {
            return Optional.of(Files.readString(BOOT_ID, StandardCharsets.US_ASCII).trim());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** True when an agent of this boot turned up interface {@code name} with kernel index {@code index}. */
    public synchronized boolean seen(String name, int index) {
        return Integer.valueOf(index).equals(seen.get(name));
    }

    /**
     * Records that interface {@code name} (kernel index {@code index}) was turned up, in place of an
     * earlier link of that name (gone, since names are unique); a write that fails is logged.
     */
    public synchronized void add(String name, int index) {
        if (Integer.valueOf(index).equals(seen.put(name, index)) || file == null) {
            return;
        }
        StringBuilder text = new StringBuilder("boot ").append(boot).append('\n');
        seen.forEach((n, i) -> text.append(n).append(' ').append(i).append('\n'));
        try {
            DurableFile.write(file, text.toString().getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            LOG.warn("cannot record port {} in {} ({}): a restarted agent would turn it up again if it were taken down",
                    name, file, e.getMessage());
        }
    }
}
