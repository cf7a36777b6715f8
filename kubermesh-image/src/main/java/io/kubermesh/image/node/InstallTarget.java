package io.kubermesh.image.node;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Which disk a netbooted blank machine installs itself on: the first whole disk by name that is at
 * least {@value #MIN_BYTES} octets and is not a loop, RAM, optical, floppy, network or device-mapper
 * device, fixed disks before removable ones (a USB stick left in a server is not its system disk).
 */
public final class InstallTarget {
    public static final long MIN_BYTES = 2L << 30;
    private static final List<String> VIRTUAL = List.of("loop", "ram", "zram", "sr", "fd", "nbd", "dm-", "md");

    private InstallTarget() {
    }

    /** A whole disk as {@code /sys/block} shows it. */
    public record Disk(String name, long bytes, boolean removable) {
        /** The device node of partition {@code n}: {@code vda1}, {@code nvme0n1p1}. */
        public String partition(int n) {
            return "/dev/" + name + (Character.isDigit(name.charAt(name.length() - 1)) ? "p" : "") + n;
        }

        public String device() {
            return "/dev/" + name;
        }
    }

    public static Optional<Disk> choose(List<Disk> disks) {
        return disks.stream()
                .filter(d -> VIRTUAL.stream().noneMatch(v -> d.name().startsWith(v)))
                .filter(d -> d.bytes() >= MIN_BYTES)
                .min(Comparator.comparing(Disk::removable).thenComparing(Disk::name));
    }
}
