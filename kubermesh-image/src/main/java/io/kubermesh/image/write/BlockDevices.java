package io.kubermesh.image.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What the kernel says about block devices and what is mounted on them: {@code /sys/class/block}
 * (partitions, holders, slaves, size, removable), {@code /sys/dev/block} (a device number to its
 * name), {@code /proc/self/mountinfo} and {@code /proc/swaps}. The roots are parameters so tests
 * describe a machine with files.
 */
public final class BlockDevices {
    private static final List<String> SYSTEM_MOUNTS = List.of("/", "/boot", "/boot/efi", "/usr");

    private final Path classBlock;
    private final Path devBlock;
    private final Path mountinfo;
    private final Path swaps;

    /** @param sys where sysfs is ({@code /sys}) @param proc where procfs is ({@code /proc}) */
    public BlockDevices(Path sys, Path proc) {
        this.classBlock = sys.resolve("class/block");
        this.devBlock = sys.resolve("dev/block");
        this.mountinfo = proc.resolve("self/mountinfo");
        this.swaps = proc.resolve("swaps");
    }

    /** This host's. */
    public static BlockDevices system() {
        return new BlockDevices(Path.of("/sys"), Path.of("/proc"));
    }

    /** The kernel's name ({@code sdb}, {@code loop3p1}) of the block device numbered {@code major:minor}. */
    public Optional<String> nameOf(String majorMinor) {
        Path link = devBlock.resolve(majorMinor);
        if (!Files.exists(link)) {
            return Optional.empty();
        }
        try {
            return Optional.of(link.toRealPath().getFileName().toString());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Its {@code major:minor}, or empty when sysfs does not know it. */
    public Optional<String> number(String name) {
        return read(classBlock.resolve(name).resolve("dev"));
    }

    public boolean isPartition(String name) {
        return Files.exists(classBlock.resolve(name).resolve("partition"));
    }

    /** The whole disk a partition belongs to (its parent directory in sysfs). */
    public String diskOf(String partition) {
        try {
            return classBlock.resolve(partition).toRealPath().getParent().getFileName().toString();
        } catch (IOException e) {
            return partition;
        }
    }

    /** The partitions of a whole disk: sysfs subdirectories that have a {@code partition} file. */
    public List<String> partitions(String disk) {
        return children(classBlock.resolve(disk), true);
    }

    /** Devices stacked on this one (device-mapper, md, bcache): {@code holders/}. */
    public List<String> holders(String name) {
        return children(classBlock.resolve(name).resolve("holders"), false);
    }

    /** Devices this one is stacked on: {@code slaves/}. */
    public List<String> slaves(String name) {
        return children(classBlock.resolve(name).resolve("slaves"), false);
    }

    /** Size in octets ({@code size} counts 512-octet sectors whatever the device's block size). */
    public long bytes(String name) {
        return read(classBlock.resolve(name).resolve("size")).map(s -> Long.parseLong(s) * 512).orElse(0L);
    }

    public boolean removable(String name) {
        return read(classBlock.resolve(name).resolve("removable")).map("1"::equals).orElse(false);
    }

    /** A loop device's backing file, when it is one that has one. */
    public Optional<String> backingFile(String name) {
        return read(classBlock.resolve(name).resolve("loop/backing_file"));
    }

    /** The vendor and model sysfs gives, or "" (loop devices have none). */
    public String model(String name) {
        String vendor = read(classBlock.resolve(name).resolve("device/vendor")).orElse("");
        String model = read(classBlock.resolve(name).resolve("device/model")).orElse("");
        return (vendor + " " + model).strip();
    }

    /** Every block device's name. */
    public List<String> all() {
        return children(classBlock, false);
    }

    /** The device, its partitions, and everything stacked on any of them, transitively. */
    public Set<String> inUseClosure(String disk) {
        Set<String> out = new LinkedHashSet<>();
        List<String> todo = new ArrayList<>();
        todo.add(disk);
        todo.addAll(partitions(disk));
        while (!todo.isEmpty()) {
            String d = todo.remove(0);
            if (out.add(d)) {
                todo.addAll(holders(d));
            }
        }
        return out;
    }

    /** The whole disks under {@code name}: itself, its disk if a partition, the disks under its slaves. */
    public Set<String> disksUnder(String name) {
        Set<String> out = new LinkedHashSet<>();
        List<String> slaves = slaves(name);
        if (!slaves.isEmpty()) {
            slaves.forEach(s -> out.addAll(disksUnder(s)));
        } else {
            out.add(isPartition(name) ? diskOf(name) : name);
        }
        return out;
    }

    /** The whole disks the running system lives on: under {@code /}, {@code /boot}, {@code /boot/efi}, {@code /usr}. */
    public List<Mount> systemMounts() {
        return mounts().stream().filter(m -> SYSTEM_MOUNTS.contains(m.mountPoint())).toList();
    }

    /** The mounts of {@code /proc/self/mountinfo}. */
    public List<Mount> mounts() {
        try (Stream<String> lines = Files.lines(mountinfo)) {
            return lines.map(Mount::parse).flatMap(Optional::stream).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + mountinfo, e);
        }
    }

    /** The device paths {@code /proc/swaps} lists (swap is in use without being mounted). */
    public List<String> swaps() {
        if (!Files.exists(swaps)) {
            return List.of();
        }
        try (Stream<String> lines = Files.lines(swaps)) {
            return lines.skip(1).map(l -> l.split("\\s+")[0]).filter(s -> !s.isEmpty()).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot read " + swaps, e);
        }
    }

    /**
     * One line of mountinfo (proc(5)): the device number of the mounted filesystem, where it is
     * mounted, and the mount source ({@code /dev/sdb1}).
     */
    public record Mount(String majorMinor, String mountPoint, String source) {
        static Optional<Mount> parse(String line) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 5 || dash < 6 || dash + 2 >= f.length) {
                return Optional.empty();
            }
            return Optional.of(new Mount(f[2], unescape(f[4]), unescape(f[dash + 2])));
        }

        /** mountinfo writes space, tab, newline and backslash as three octal digits. */
        static String unescape(String s) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                    b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                    i += 3;
                } else {
                    b.append(c);
                }
            }
            return b.toString();
        }
    }

    private static List<String> children(Path dir, boolean partitionsOnly) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !partitionsOnly || Files.exists(p.resolve("partition")))
                    .map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static Optional<String> read(Path file) {
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file).strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
