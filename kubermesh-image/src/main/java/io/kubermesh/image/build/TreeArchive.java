package io.kubermesh.image.build;

import io.kubermesh.image.cpio.CpioEntry;
import io.kubermesh.image.cpio.CpioWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a directory tree as a newc cpio archive, reproducibly: members sorted by path (as
 * octets), owners, modes and device numbers as on disk, every modification time clamped to the
 * build's {@code SOURCE_DATE_EPOCH}, hard links written as separate files, sockets and FIFOs left
 * out (nothing in a root built by dpkg has them). {@code prefix} places the tree below a path in
 * the archive ({@code opt/kubermesh/java}); its parent directories are written first.
 */
final class TreeArchive {
    private TreeArchive() {
    }

    /** Archives {@code tree} under {@code prefix} ("" for the archive root) into {@code out}. */
    static void write(Path tree, String prefix, long epoch, OutputStream out) throws IOException {
        CpioWriter cpio = new CpioWriter(out);
        writeParents(cpio, prefix, epoch);
        for (Path p : sorted(tree)) {
            String rel = tree.relativize(p).toString();
            String name = prefix.isEmpty() ? rel : rel.isEmpty() ? prefix : prefix + "/" + rel;
            if (name.isEmpty()) {
                continue;
            }
            add(cpio, p, name, epoch);
        }
        cpio.finish();
    }

    static void writeParents(CpioWriter cpio, String prefix, long epoch) throws IOException {
        if (prefix.isEmpty()) {
            return;
        }
        String[] parts = prefix.split("/");
        StringBuilder at = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            at.append(i == 0 ? "" : "/").append(parts[i]);
            cpio.add(CpioEntry.directory(at.toString(), 0755, epoch));
        }
    }

    private static List<Path> sorted(Path tree) throws IOException {
        List<Path> all = new ArrayList<>();
        try (Stream<Path> s = Files.walk(tree)) {
            s.forEach(all::add);
        }
        // Byte order of the relative path, so the archive does not depend on the walk's order.
        all.sort((a, b) -> java.util.Arrays.compare(tree.relativize(a).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8),
                tree.relativize(b).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        return all;
    }

    private static void add(CpioWriter cpio, Path p, String name, long epoch) throws IOException {
        Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,rdev,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        int mode = (Integer) a.get("mode");
        int uid = (Integer) a.get("uid");
        int gid = (Integer) a.get("gid");
        long mtime = Math.min(epoch, ((java.nio.file.attribute.FileTime) a.get("lastModifiedTime")).toMillis() / 1000);
        mtime = Math.max(0, mtime);
        int type = mode & CpioEntry.S_IFMT;
        if (type == CpioEntry.S_IFREG) {
            long size = Files.size(p);
            try (InputStream in = Files.newInputStream(p)) {
                cpio.add(new CpioEntry(name, mode, uid, gid, mtime, size, 0, 0), in);
            }
        } else if (type == CpioEntry.S_IFLNK) {
            byte[] target = Files.readSymbolicLink(p).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            cpio.add(new CpioEntry(name, mode, uid, gid, mtime, target.length, 0, 0), target);
        } else if (type == CpioEntry.S_IFDIR) {
            cpio.add(new CpioEntry(name, mode, uid, gid, mtime, 0, 0, 0));
        } else if (type == CpioEntry.S_IFCHR || type == CpioEntry.S_IFBLK) {
            long rdev = (Long) a.get("rdev");
            // glibc's gnu_dev_major/minor encoding of dev_t
            int major = (int) (((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL));
            int minor = (int) ((rdev & 0xff) | ((rdev >>> 12) & ~0xffL));
            cpio.add(new CpioEntry(name, mode, uid, gid, mtime, 0, major, minor));
        }
    }
}
