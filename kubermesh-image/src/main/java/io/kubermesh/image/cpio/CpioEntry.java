package io.kubermesh.image.cpio;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One member of a newc ("070701") cpio archive, the format the Linux kernel unpacks an initramfs
 * from (Documentation/driver-api/early-userspace/buffer-format.rst). A member is a directory, a
 * regular file, a symbolic link (its data is the target) or a device node; hard links are written
 * as separate regular files, so every member stands alone.
 *
 * @param name path inside the archive, relative, without a leading slash ({@code usr/bin/java})
 * @param mode file type and permission bits as {@code st_mode} ({@code 0100755} for an executable)
 * @param uid owner
 * @param gid group
 * @param mtime modification time in seconds since the epoch (clamped by the writer's caller)
 * @param size data length in octets (the target's length for a symbolic link, 0 for the rest)
 * @param rdevMajor device major number for device nodes, else 0
 * @param rdevMinor device minor number for device nodes, else 0
 */
public record CpioEntry(String name, int mode, int uid, int gid, long mtime, long size, int rdevMajor, int rdevMinor) {
    public static final int S_IFMT = 0170000;
    public static final int S_IFDIR = 0040000;
    public static final int S_IFREG = 0100000;
    public static final int S_IFLNK = 0120000;
    public static final int S_IFCHR = 0020000;
    public static final int S_IFBLK = 0060000;
    /** Longest name written (with its NUL), as the kernel's PATH_MAX. */
    public static final int MAX_NAME = 4096;

    public CpioEntry {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.startsWith("/") || name.indexOf('\0') >= 0
                || name.getBytes(StandardCharsets.UTF_8).length + 1 > MAX_NAME) {
            throw new IllegalArgumentException("a cpio member name is relative, non-empty, without NUL and at most "
                    + (MAX_NAME - 1) + " octets: '" + name + "'");
        }
        int type = mode & S_IFMT;
        if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK && type != S_IFCHR && type != S_IFBLK) {
            throw new IllegalArgumentException("unsupported file type 0" + Integer.toOctalString(type) + " for " + name);
        }
        if (size < 0 || size > 0xFFFF_FFFFL || (type != S_IFREG && type != S_IFLNK && size != 0)) {
            throw new IllegalArgumentException("size " + size + " of " + name + " (only files and links carry data, < 4 GiB)");
        }
        if (mtime < 0 || mtime > 0xFFFF_FFFFL || uid < 0 || gid < 0) {
            throw new IllegalArgumentException("mtime, uid and gid of " + name + " are unsigned 32-bit values");
        }
    }

    public static CpioEntry directory(String name, int perm, long mtime) {
        return new CpioEntry(name, S_IFDIR | (perm & 07777), 0, 0, mtime, 0, 0, 0);
    }

    public static CpioEntry file(String name, int perm, long mtime, long size) {
        return new CpioEntry(name, S_IFREG | (perm & 07777), 0, 0, mtime, size, 0, 0);
    }

    public static CpioEntry symlink(String name, String target, long mtime) {
        return new CpioEntry(name, S_IFLNK | 0777, 0, 0, mtime, target.getBytes(StandardCharsets.UTF_8).length, 0, 0);
    }

    public int type() {
        return mode & S_IFMT;
    }

    public boolean isDirectory() {
        return type() == S_IFDIR;
    }

    public boolean isRegularFile() {
        return type() == S_IFREG;
    }

    public boolean isSymlink() {
        return type() == S_IFLNK;
    }

    public int permissions() {
        return mode & 07777;
    }
}
