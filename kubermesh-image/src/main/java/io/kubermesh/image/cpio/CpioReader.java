package io.kubermesh.image.cpio;

import io.kubermesh.api.MalformedPacketException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Reads newc cpio archives the way the kernel's initramfs unpacker does: members until
 * {@code TRAILER!!!}, then NUL padding, then possibly another archive (an initrd is several
 * archives one after the other). Used to check what an image holds; malformed input raises
 * {@link MalformedPacketException}.
 */
public final class CpioReader {
    private final InputStream in;
    private long position;

    public CpioReader(InputStream in) {
        this.in = in;
    }

    /** One member and its data (the whole data for files and links). */
    public record Member(CpioEntry entry, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    /** Every member of every archive in the stream, in order. */
    public static List<Member> readAll(InputStream in) throws IOException {
        List<Member> all = new ArrayList<>();
        new CpioReader(in).forEach((e, d) -> all.add(new Member(e, d)));
        return all;
    }

    /** Calls {@code each} for every member of every archive until the end of the stream. */
    public void forEach(BiConsumer<CpioEntry, byte[]> each) throws IOException {
        while (true) {
            int first = skipPadding();
            if (first < 0) {
                return;
            }
            byte[] header = new byte[CpioWriter.HEADER];
            header[0] = (byte) first;
            readFully(header, 1, header.length - 1, "header");
            String h = new String(header, StandardCharsets.US_ASCII);
            if (!h.startsWith(CpioWriter.MAGIC)) {
                throw new MalformedPacketException("cpio: bad magic '" + printable(h.substring(0, 6)) + "' at offset "
                        + (position - header.length));
            }
            for (int f = 1; f <= 13; f++) {
                field(h, f);
            }
            long mode = field(h, 2);
            long nameSize = field(h, 12);
            long size = field(h, 7);
            if (nameSize < 1 || nameSize > CpioEntry.MAX_NAME) {
                throw new MalformedPacketException("cpio: name size " + nameSize + " outside 1.." + CpioEntry.MAX_NAME);
            }
            byte[] name = new byte[(int) nameSize];
            readFully(name, 0, name.length, "name");
            if (name[name.length - 1] != 0) {
                throw new MalformedPacketException("cpio: name not NUL-terminated");
            }
            align();
            String n = new String(name, 0, name.length - 1, StandardCharsets.UTF_8);
            if (n.equals(CpioWriter.TRAILER)) {
                continue;
            }
            if (size > Integer.MAX_VALUE - 8) {
                throw new MalformedPacketException("cpio: member " + printable(n) + " of " + size + " octets is too large to read");
            }
            byte[] data = new byte[(int) size];
            readFully(data, 0, data.length, "data of " + printable(n));
            align();
            CpioEntry e;
            try {
                e = new CpioEntry(n.startsWith("/") ? n.substring(1) : n, (int) mode, (int) field(h, 3), (int) field(h, 4),
                        field(h, 6), size, (int) field(h, 10), (int) field(h, 11));
            } catch (IllegalArgumentException ex) {
                throw new MalformedPacketException("cpio: " + ex.getMessage());
            }
            each.accept(e, data);
        }
    }

    /** Skips the NULs between archives; returns the first other octet, or -1 at the end. */
    private int skipPadding() throws IOException {
        int b;
        while ((b = in.read()) == 0) {
            position++;
        }
        if (b >= 0) {
            position++;
        }
        return b;
    }

    private long field(String header, int index) {
        int at = 6 + 8 * (index - 1);
        String f = header.substring(at, at + 8);
        try {
            return Long.parseLong(f, 16);
        } catch (NumberFormatException e) {
            throw new MalformedPacketException("cpio: header field " + index + " is not hexadecimal: '" + printable(f) + "'");
        }
    }

    private void align() throws IOException {
        int p = (int) ((4 - (position & 3)) & 3);
        byte[] skip = new byte[p];
        readFully(skip, 0, p, "padding");
    }

    private void readFully(byte[] b, int off, int len, String what) throws IOException {
        int n = in.readNBytes(b, off, len);
        position += n;
        if (n < len) {
            throw new MalformedPacketException("cpio: truncated " + what + " (" + n + " of " + len + " octets)");
        }
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return b.length() > 80 ? b.substring(0, 80) + "..." : b.toString();
    }
}
