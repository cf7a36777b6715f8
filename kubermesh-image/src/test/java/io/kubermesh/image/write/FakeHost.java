package io.kubermesh.image.write;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A machine described with files, laid out as the kernel lays out sysfs: a disk's directory under
 * {@code devices/}, its partitions as subdirectories, {@code class/block/NAME} and
 * {@code dev/block/MAJ:MIN} as symbolic links to them; mountinfo and swaps as procfs writes them.
 */
final class FakeHost {
    final Path sys;
    final Path proc;
    private final List<String> mounts = new ArrayList<>();
    private int nextMinor = 0;
    private int mountId = 20;

    FakeHost(Path root) {
        this.sys = root.resolve("sys");
        this.proc = root.resolve("proc");
        try {
            Files.createDirectories(sys.resolve("class/block"));
            Files.createDirectories(sys.resolve("dev/block"));
            Files.createDirectories(proc.resolve("self"));
            Files.writeString(proc.resolve("swaps"), "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n");
            writeMounts();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    BlockDevices devices() {
        return new BlockDevices(sys, proc);
    }

    /** A whole disk of {@code bytes}; returns its major:minor. */
    String disk(String name, long bytes, boolean removable, String model) {
        Path dir = sys.resolve("devices/virtual/block").resolve(name);
        String number = add(name, dir, bytes);
        write(dir.resolve("removable"), removable ? "1" : "0");
        if (!model.isEmpty()) {
            write(dir.resolve("device/model"), model);
        }
        return number;
    }

    String partition(String disk, String name) {
        Path dir = sys.resolve("devices/virtual/block").resolve(disk).resolve(name);
        String number = add(name, dir, 1 << 20);
        write(dir.resolve("partition"), "1");
        return number;
    }

    /** {@code upper} (dm-0, md0) stacked on {@code lower}. */
    String stack(String upper, String lower) {
        Path dir = sys.resolve("devices/virtual/block").resolve(upper);
        String number = add(upper, dir, 1 << 20);
        link(sys.resolve("class/block").resolve(lower).resolve("holders").resolve(upper), dir);
        link(dir.resolve("slaves").resolve(lower), sys.resolve("class/block").resolve(lower));
        return number;
    }

    void loopBackedBy(String loop, Path file) {
        write(sys.resolve("devices/virtual/block").resolve(loop).resolve("loop/backing_file"), file.toString());
    }

    void mount(String number, String source, String mountPoint) {
        mounts.add((mountId++) + " 1 " + number + " / " + mountPoint.replace(" ", "\\040") + " rw,relatime shared:1 - vfat "
                + source + " rw");
        writeMounts();
    }

    void swap(String device) {
        try {
            Files.writeString(proc.resolve("swaps"), device + "\tpartition\t1048572\t0\t-2\n",
                    java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String add(String name, Path dir, long bytes) {
        String number = "8:" + (nextMinor++);
        write(dir.resolve("dev"), number);
        write(dir.resolve("size"), Long.toString(bytes / 512));
        try {
            Files.createDirectories(dir.resolve("holders"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        link(sys.resolve("class/block").resolve(name), dir);
        link(sys.resolve("dev/block").resolve(number), dir);
        return number;
    }

    private void writeMounts() {
        List<String> all = new ArrayList<>(List.of("21 26 0:20 / /proc rw,relatime - proc proc rw",
                "23 26 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=1k"));
        all.addAll(mounts);
        write(proc.resolve("self/mountinfo"), String.join("\n", all) + "\n");
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void link(Path link, Path target) {
        try {
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
