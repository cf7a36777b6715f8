package io.kubermesh.image.write;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.image.internal.Sha256;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Writes a built {@code usb.img} onto a USB drive (or a file), then proves it: {@link #check}
 * refuses, before anything is opened for writing, a target that is not a whole block device or a
 * regular file, the disk the running system lives on, a device any part of which is mounted, used
 * as swap or stacked under something (device-mapper, md), a device smaller than the image, and a
 * fixed disk unless forced; {@link #write} copies with progress, flushes to the device, reads it
 * back (bypassing the page cache on a block device) and compares SHA-256.
 */
public final class ImageWriter {
    private static final int CHUNK = 4 << 20;
    private static final int ALIGN = 4096;
    private static final int S_IFMT = 0170000;
    private static final int S_IFBLK = 0060000;
    private static final String FIELD = "--device";

    private final BlockDevices devices;
    private final Consumer<String> progress;

    public ImageWriter(BlockDevices devices, Consumer<String> progress) {
        this.devices = devices;
        this.progress = progress;
    }

    /**
     * Everything that can be refused before writing; a refusal is a {@link ConfigurationException}
     * on {@code --image} or {@code --device} that says why.
     *
     * @param force accept a block device the kernel does not mark removable
     */
    public WriteTarget check(Path image, Path device, boolean force) {
        if (!Files.isRegularFile(image)) {
            throw new ConfigurationException("--image", image.toString(), "an image file (usb.img from kubermesh image build)");
        }
        long size = sizeOf(image);
        if (size == 0) {
            throw new ConfigurationException("--image", image.toString(), "a non-empty image file");
        }
        if (!Files.exists(device, LinkOption.NOFOLLOW_LINKS) && !Files.exists(device)) {
            if (device.toAbsolutePath().startsWith("/dev") || !Files.isDirectory(device.toAbsolutePath().getParent())) {
                throw new ConfigurationException(FIELD, device.toString(), "an existing block device (see lsblk) or a file "
                        + "in an existing directory");
            }
            return new WriteTarget(device.toAbsolutePath(), false, "", "", -1, false);
        }
        Path real = realPath(device);
        if (Files.isRegularFile(real)) {
            return checkFile(image, real);
        }
        Map<String, Object> attrs;
        try {
            attrs = Files.readAttributes(real, "unix:mode,rdev");
        } catch (IOException | UnsupportedOperationException e) {
            throw new ConfigurationException(FIELD, device.toString(), "a block device or a regular file (cannot stat it: " + e + ")");
        }
        if (((Integer) attrs.get("mode") & S_IFMT) != S_IFBLK) {
            throw new ConfigurationException(FIELD, device.toString(), "a block device or a regular file, not "
                    + (Files.isDirectory(real) ? "a directory" : "a character device, socket or pipe"));
        }
        long rdev = (Long) attrs.get("rdev");
        String number = major(rdev) + ":" + minor(rdev);
        String name = devices.nameOf(number).orElseThrow(() -> new ConfigurationException(FIELD, device.toString(),
                "a block device sysfs knows (no /sys/dev/block/" + number + ")"));
        return checkBlock(device, real, name, size, force);
    }

    /** The checks of a block device the kernel calls {@code name}; package-private so tests describe one with files. */
    WriteTarget checkBlock(Path device, Path real, String name, long size, boolean force) {
        if (devices.isPartition(name)) {
            throw new ConfigurationException(FIELD, device.toString(), "a whole disk, not partition " + name + " of /dev/"
                    + devices.diskOf(name) + " (the image carries its own partition table)");
        }
        refuseSystemDisk(device, name);
        refuseInUse(device, name);
        long capacity = devices.bytes(name);
        if (capacity < size) {
            throw new ConfigurationException(FIELD, device.toString(), "a device of at least " + size(size) + " (the image); "
                    + "/dev/" + name + " holds " + size(capacity));
        }
        boolean removable = devices.removable(name);
        if (!removable && !name.startsWith("loop") && !force) {
            throw new ConfigurationException(FIELD, device.toString(), "a removable device (a USB drive); /dev/" + name
                    + " is a fixed disk: add --force if you really mean to overwrite it");
        }
        return new WriteTarget(real, true, name, devices.model(name), capacity, removable);
    }

    /** Writes, flushes, reads back and compares; returns the digest both have. */
    public WriteResult write(Path image, WriteTarget target) {
        long size = sizeOf(image);
        progress.accept("writing " + image + " (" + size(size) + ") to " + target.describe());
        MessageDigest written = Sha256.digest();
        List<OpenOption> options = target.block()
                ? List.of(StandardOpenOption.WRITE)
                : List.of(StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        try (FileChannel in = FileChannel.open(image, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(target.path(), Set.copyOf(options))) {
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            long done = 0;
            int lastTenth = 0;
            long started = System.nanoTime();
            while (done < size) {
                buf.clear();
                int n = in.read(buf, done);
                if (n < 0) {
                    throw new KubermeshException(image + " shrank while it was written (" + done + " of " + size + " octets)");
                }
                buf.flip();
                written.update(buf.duplicate());
                while (buf.hasRemaining()) {
                    out.write(buf, done + buf.position());
                }
                done += n;
                int tenth = (int) (done * 10 / size);
                if (tenth > lastTenth || done == size) {
                    lastTenth = tenth;
                    long ms = Math.max(1, (System.nanoTime() - started) / 1_000_000);
                    progress.accept(String.format(java.util.Locale.ROOT, "wrote %s of %s (%d%%), %.1f MiB/s", size(done), size(size),
                            done * 100 / size, done / 1048576.0 / (ms / 1000.0)));
                }
            }
            progress.accept("flushing to the device (fsync)");
            out.force(true);
        } catch (AccessDeniedException e) {
            throw new EnvironmentException("cannot open " + target.path() + " for writing (permission denied)",
                    "run it as root: sudo kubermesh image write ...");
        } catch (IOException e) {
            throw new KubermeshException("writing " + target.path() + " failed: " + e.getMessage(), e);
        }
        String expected = HexFormat.of().formatHex(written.digest());
        String actual = readBack(target, size);
        if (!expected.equals(actual)) {
            throw new KubermeshException("verification failed: " + target.path() + " reads back with SHA-256 " + actual
                    + ", the image has " + expected + " (a failing drive?)");
        }
        progress.accept("verified: " + size(size) + " read back from " + target.path() + ", sha256 " + expected);
        return new WriteResult(size, expected);
    }

    /** SHA-256 of the first {@code size} octets; O_DIRECT on a block device so the page cache cannot answer for it. */
    private String readBack(WriteTarget target, long size) {
        progress.accept("verifying: reading back " + size(size));
        if (target.block()) {
            Optional<String> direct = readDigest(target.path(), size, true);
            if (direct.isPresent()) {
                return direct.get();
            }
            progress.accept("the device refuses O_DIRECT: verifying through the page cache after fsync");
        }
        return readDigest(target.path(), size, false).orElseThrow();
    }

    private Optional<String> readDigest(Path path, long size, boolean direct) {
        MessageDigest d = Sha256.digest();
        Set<OpenOption> options = direct ? Set.of(StandardOpenOption.READ, com.sun.nio.file.ExtendedOpenOption.DIRECT)
                : Set.of(StandardOpenOption.READ);
        FileChannel ch;
        try {
            ch = FileChannel.open(path, options);
        } catch (IOException | UnsupportedOperationException e) {
            if (direct) {
                return Optional.empty();
            }
            throw new KubermeshException("reading back " + path + " failed: " + e.getMessage(), e);
        }
        try (ch) {
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK + ALIGN).alignedSlice(ALIGN);
            long pos = 0;
            while (pos < size) {
                buf.clear();
                int n = ch.read(buf, pos);
                if (n <= 0) {
                    throw new KubermeshException("reading back " + path + " ended at " + pos + " of " + size + " octets");
                }
                buf.flip();
                buf.limit((int) Math.min(buf.limit(), size - pos));
                pos += buf.remaining();
                d.update(buf);
            }
        } catch (IOException e) {
            if (direct) {
                return Optional.empty();
            }
            throw new KubermeshException("reading back " + path + " failed: " + e.getMessage(), e);
        }
        return Optional.of(HexFormat.of().formatHex(d.digest()));
    }

    private WriteTarget checkFile(Path image, Path file) {
        try {
            if (Files.isSameFile(image, file)) {
                throw new ConfigurationException(FIELD, file.toString(), "somewhere other than the image itself");
            }
        } catch (IOException e) {
            throw new ConfigurationException(FIELD, file.toString(), "a readable file (" + e.getMessage() + ")");
        }
        // a file attached to a loop device is a disk in use when that loop device (or a partition) is mounted
        for (String loop : devices.all()) {
            if (devices.backingFile(loop).map(f -> f.equals(file.toString())).orElse(false)) {
                refuseInUse(file, loop);
            }
        }
        return new WriteTarget(file, false, "", "", -1, false);
    }

    private void refuseSystemDisk(Path device, String disk) {
        for (BlockDevices.Mount m : devices.systemMounts()) {
            Set<String> under = devices.nameOf(m.majorMinor()).map(devices::disksUnder).orElse(Set.of());
            if (under.contains(disk)) {
                throw new ConfigurationException(FIELD, device.toString(), "a spare drive: /dev/" + disk
                        + " holds " + m.mountPoint() + " of the running system");
            }
        }
    }

    private void refuseInUse(Path device, String disk) {
        Set<String> closure = devices.inUseClosure(disk);
        for (String part : closure) {
            Optional<String> number = devices.number(part);
            for (BlockDevices.Mount m : devices.mounts()) {
                if (number.map(m.majorMinor()::equals).orElse(false) || m.source().equals("/dev/" + part)) {
                    throw new ConfigurationException(FIELD, device.toString(), "a device nothing is mounted from: /dev/"
                            + part + " is mounted at " + m.mountPoint() + " (unmount it first: umount " + m.mountPoint() + ")");
                }
            }
            for (String swap : devices.swaps()) {
                if (swap.equals("/dev/" + part)) {
                    throw new ConfigurationException(FIELD, device.toString(), "a device not in use: /dev/" + part
                            + " is swap (swapoff /dev/" + part + " first)");
                }
            }
            if (!part.equals(disk) && !devices.isPartition(part)) {
                throw new ConfigurationException(FIELD, device.toString(), "a device not in use: /dev/" + part
                        + " (device-mapper, md or similar) is stacked on it");
            }
        }
    }

    private static Path realPath(Path device) {
        try {
            return device.toRealPath();
        } catch (IOException e) {
            throw new ConfigurationException(FIELD, device.toString(), "a path that resolves (" + e.getMessage() + ")");
        }
    }

    private static long sizeOf(Path image) {
        try {
            return Files.size(image);
        } catch (IOException e) {
            throw new ConfigurationException("--image", image.toString(), "a readable image file (" + e.getMessage() + ")");
        }
    }

    /** glibc's gnu_dev_major/minor: the 12+20 bit split of a 64-bit dev_t. */
    static long major(long dev) {
        return ((dev >>> 8) & 0xfff) | ((dev >>> 32) & 0xfffff000L);
    }

    static long minor(long dev) {
        return (dev & 0xff) | ((dev >>> 12) & 0xffffff00L);
    }

    /** {@code 512 MiB}, {@code 29.8 GiB}. */
    public static String size(long bytes) {
        if (bytes >= 1L << 30) {
            return String.format(java.util.Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        if (bytes >= 1L << 20) {
            return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20));
        }
        return bytes + " B";
    }
}
