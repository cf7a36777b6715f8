package io.kubermesh.image.cpio;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a newc cpio archive: per member a 110-octet ASCII header ("070701" and thirteen 8-digit
 * hexadecimal fields), the NUL-terminated name padded to a multiple of 4 octets counted from the
 * header's start, and the data padded to a multiple of 4; then the {@code TRAILER!!!} member.
 * Inode numbers are the member's position (1, 2, ...), nlink is 2 for directories and 1 for the
 * rest, and device numbers of the archive itself are 0, so the same members in the same order
 * always give the same bytes.
 */
public final class CpioWriter implements AutoCloseable {
    public static final String MAGIC = "070701";
    public static final String TRAILER = "TRAILER!!!";
    static final int HEADER = 110;

    private final OutputStream out;
    private long written;
    private int inode;
    private boolean finished;

    public CpioWriter(OutputStream out) {
        this.out = out;
    }

    /** Writes a member without data (a directory or a device node). */
    public void add(CpioEntry e) throws IOException {
        if (e.size() != 0) {
            throw new IllegalArgumentException(e.name() + " carries " + e.size() + " octets: use add(entry, data)");
        }
        header(e, ++inode);
    }

    /** Writes a member and exactly {@code e.size()} octets of {@code data}. */
    public void add(CpioEntry e, InputStream data) throws IOException {
        header(e, ++inode);
        byte[] buf = new byte[65536];
        long left = e.size();
        while (left > 0) {
            int n = data.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new IOException(e.name() + " ended " + left + " octets before its recorded size " + e.size());
            }
            write(buf, n);
            left -= n;
        }
        pad();
    }

    /** Writes a member with {@code data} as its whole contents. */
    public void add(CpioEntry e, byte[] data) throws IOException {
        if (data.length != e.size()) {
            throw new IllegalArgumentException(e.name() + ": size " + e.size() + " but " + data.length + " octets given");
        }
        add(e, new java.io.ByteArrayInputStream(data));
    }

    /** Writes a symbolic link: its data is the target. */
    public void addSymlink(String name, String target, long mtime) throws IOException {
        add(CpioEntry.symlink(name, target, mtime), target.getBytes(StandardCharsets.UTF_8));
    }

    private void header(CpioEntry e, int ino) throws IOException {
        header(e.name(), ino, e.mode(), e.uid(), e.gid(), e.isDirectory() ? 2 : 1, e.mtime(), e.size(), e.rdevMajor(),
                e.rdevMinor());
    }

    private void header(String member, int ino, int mode, int uid, int gid, int nlink, long mtime, long size, int rdevMajor,
                        int rdevMinor) throws IOException {
        if (finished) {
            throw new IllegalStateException("archive already finished");
        }
        byte[] name = member.getBytes(StandardCharsets.UTF_8);
        StringBuilder h = new StringBuilder(HEADER).append(MAGIC);
        hex(h, ino);
        hex(h, mode);
        hex(h, uid);
        hex(h, gid);
        hex(h, nlink);
        hex(h, mtime);
        hex(h, size);
        hex(h, 0);
        hex(h, 0);
        hex(h, rdevMajor);
        hex(h, rdevMinor);
        hex(h, name.length + 1);
        hex(h, 0);
        byte[] bytes = h.toString().getBytes(StandardCharsets.US_ASCII);
        write(bytes, bytes.length);
        write(name, name.length);
        write(new byte[] {0}, 1);
        pad();
    }

    private static void hex(StringBuilder h, long v) {
        String s = Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
        h.append("00000000", 0, 8 - s.length()).append(s);
    }

    private void write(byte[] b, int n) throws IOException {
        out.write(b, 0, n);
        written += n;
    }

    private void pad() throws IOException {
        int p = (int) ((4 - (written & 3)) & 3);
        if (p > 0) {
            write(new byte[p], p);
        }
    }

    /** Octets written so far. */
    public long written() {
        return written;
    }

    /** Writes the trailer; the stream stays open. */
    public void finish() throws IOException {
        if (!finished) {
            header(TRAILER, 0, 0, 0, 0, 1, 0, 0, 0, 0);
            finished = true;
            out.flush();
        }
    }

    /** Finishes the archive and closes the stream. */
    @Override
    public void close() throws IOException {
        finish();
        out.close();
    }
}
