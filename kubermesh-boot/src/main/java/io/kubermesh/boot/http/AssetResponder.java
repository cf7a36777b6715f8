package io.kubermesh.boot.http;

import io.kubermesh.boot.tftp.TftpErrorCode;
import io.kubermesh.boot.tftp.TftpRoot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;

/**
 * Streams a public asset (kernel, initrd), confined to the assets directory by the same rules as
 * the TFTP root, with single range requests: 206 and {@code Content-Range} for a satisfiable
 * range, 416 and {@code Content-Range: bytes *}{@code /size} past the end, 200 otherwise. The
 * bytes go out with sendfile; nothing of the file is copied onto the heap.
 */
final class AssetResponder {
    /**
     * A served root's resolutions, each kept for {@link #KEEP}: a busy asset is served with one
     * open and one read (or sendfile) instead of the root's checks (a realpath, a stat per path
     * component) at every request. Only files found are kept; what goes away is a 404 at its next open.
     */
    static final class Resolver {
        static final long KEEP = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);
        private record Kept(TftpRoot.Resolution.Found found, long until) {
        }

        /** A small file's bytes as read at {@code until - KEEP}: served without touching the disk until then. */
        private record Held(io.netty.buffer.ByteBuf bytes, long until) {
        }

        private final java.util.concurrent.ConcurrentHashMap<java.nio.file.Path, Held> held =
                new java.util.concurrent.ConcurrentHashMap<>();

        /** A small file's bytes read within the last {@link #KEEP}, as a duplicate the caller releases; else null. */
        io.netty.buffer.ByteBuf held(java.nio.file.Path file) {
            Held h = held.get(file);
            return h != null && System.nanoTime() - h.until() < 0 ? h.bytes().retainedDuplicate() : null;
        }

        /** The whole of a small file, read now (and held for {@link #KEEP}); a buffer the caller releases. */
        io.netty.buffer.ByteBuf whole(java.nio.file.Path file, FileChannel ch, long size) throws IOException {
            long now = System.nanoTime();
            io.netty.buffer.ByteBuf b = io.netty.buffer.Unpooled.directBuffer((int) size);
            try {
                long pos = 0;
                while (b.writerIndex() < size) {
                    if (b.writeBytes(ch, pos, (int) size - b.writerIndex()) < 0) {
                        throw new IOException(file + " shrank while being read");
                    }
                    pos = b.writerIndex();
                }
            } catch (IOException | RuntimeException e) {
                b.release();
                throw e;
            }
            if (held.size() > 256) {
                held.clear();
            }
            Held before = held.put(file, new Held(b.retainedDuplicate(), now + KEEP));
            if (before != null) {
                before.bytes().release();
            }
            return b;
        }

        private final TftpRoot root;
        private final java.util.concurrent.ConcurrentHashMap<String, Kept> kept = new java.util.concurrent.ConcurrentHashMap<>();

        Resolver(TftpRoot root) {
            this.root = root;
        }

        TftpRoot root() {
            return root;
        }

        TftpRoot.Resolution resolve(String name) {
            long now = System.nanoTime();
            Kept k = kept.get(name);
            if (k != null && now - k.until() < 0) {
                return k.found();
            }
            TftpRoot.Resolution r = root.resolve(name);
            if (r instanceof TftpRoot.Resolution.Found f) {
                if (kept.size() > 1024) {
                    kept.clear();
                }
                kept.put(name, new Kept(f, now + KEEP));
            }
            return r;
        }
    }

    private AssetResponder() {
    }

    /** Files up to this size are read into one pooled buffer and go out with the head in one write. */
    static final int INLINE = 16 * 1024;

    static void serve(Exchange ex, Reply reply, Resolver assets, String kind, String name) {
        TftpRoot.Resolution r = assets.resolve(name);
        if (r instanceof TftpRoot.Resolution.Refused no) {
            int code = no.code() == TftpErrorCode.FILE_NOT_FOUND ? 404 : 403;
            reply.text(code, (code == 404 ? "not found" : "forbidden") + "\n", kind + " refused: " + no.message());
            return;
        }
        TftpRoot.Resolution.Found f = (TftpRoot.Resolution.Found) r;
        if (f.size() <= INLINE) {
            io.netty.buffer.ByteBuf b = assets.held(f.file());
            if (b != null) {
                small(ex, reply, b, kind, name);
                return;
            }
        }
        FileChannel ch;
        long size;
        try {
            ch = FileChannel.open(f.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            reply.text(404, "not found\n", kind + " refused: " + e.getClass().getSimpleName());
            return;
        }
        try {
            size = ch.size();
        } catch (IOException e) {
            close(ch);
            throw new UncheckedIOException(e);
        }
        String rangeHeader = ex.headers.get("Range");
        ByteRange.Request range = ByteRange.parse(rangeHeader, size);
        ex.responseHeaders.set("Accept-Ranges", "bytes");
        if (range instanceof ByteRange.Request.Unsatisfiable) {
            close(ch);
            ex.responseHeaders.set("Content-Range", "bytes */" + size);
            reply.text(416, "range not satisfiable\n", kind + " " + name + ": range " + rangeHeader + " past "
                    + size + " bytes");
            return;
        }
        long first = 0;
        long length = size;
        int code = 200;
        if (range instanceof ByteRange.Request.Partial p) {
            first = p.range().first();
            length = p.range().length();
            code = 206;
            ex.responseHeaders.set("Content-Range", "bytes " + p.range().first() + "-" + p.range().last() + "/" + size);
        }
        try {
            if (size <= INLINE && code == 200) {
                io.netty.buffer.ByteBuf b;
                try (ch) {
                    b = assets.whole(f.file(), ch, size);
                }
                small(ex, reply, b, kind, name);
                return;
            } else {
                ex.respondFile(code, ch, first, length);
            }
        } catch (IOException | RuntimeException e) {
            close(ch);
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        reply.sent(code, ex.head() ? 0 : length, kind + " " + name + (code == 206 ? " bytes " + first + "+" + length : "")
                + " of " + size);
    }

    /** A whole small file from memory: 200, or for HEAD only its length. */
    private static void small(Exchange ex, Reply reply, io.netty.buffer.ByteBuf b, String kind, String name) {
        int size = b.readableBytes();
        if (ex.headers.get("Range") != null) {
            // ranges of small files are rare (resumed downloads): answered from the disk path
            ByteRange.Request range = ByteRange.parse(ex.headers.get("Range"), size);
            if (range instanceof ByteRange.Request.Partial p) {
                ex.responseHeaders.set("Accept-Ranges", "bytes");
                ex.responseHeaders.set("Content-Range", "bytes " + p.range().first() + "-" + p.range().last() + "/" + size);
                io.netty.buffer.ByteBuf part = b.retainedSlice((int) p.range().first(), (int) p.range().length());
                b.release();
                ex.respond(206, "application/octet-stream", part);
                reply.sent(206, ex.head() ? 0 : p.range().length(), kind + " " + name + " bytes " + p.range().first()
                        + "+" + p.range().length() + " of " + size);
                return;
            }
            if (range instanceof ByteRange.Request.Unsatisfiable) {
                b.release();
                ex.responseHeaders.set("Accept-Ranges", "bytes");
                ex.responseHeaders.set("Content-Range", "bytes */" + size);
                reply.text(416, "range not satisfiable\n", kind + " " + name + ": range past " + size + " bytes");
                return;
            }
        }
        ex.responseHeaders.set("Accept-Ranges", "bytes");
        ex.respond(200, "application/octet-stream", b);
        reply.sent(200, ex.head() ? 0 : size, kind + " " + name + " of " + size);
    }

    private static void close(FileChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
