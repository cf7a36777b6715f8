package io.kubermesh.boot.http;

import com.sun.net.httpserver.HttpExchange;
import io.kubermesh.boot.tftp.TftpErrorCode;
import io.kubermesh.boot.tftp.TftpRoot;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;

/**
 * Streams a public asset (kernel, initrd), confined to the assets directory by the same rules as
 * the TFTP root, with single range requests: 206 and {@code Content-Range} for a satisfiable
 * range, 416 and {@code Content-Range: bytes *}{@code /size} past the end, 200 otherwise.
 */
final class AssetResponder {
    private static final int CHUNK = 1 << 20;

    private AssetResponder() {
    }

    static void serve(HttpExchange ex, Reply reply, TftpRoot assets, String kind, String name) {
        TftpRoot.Resolution r = assets.resolve(name);
        if (r instanceof TftpRoot.Resolution.Refused no) {
            int code = no.code() == TftpErrorCode.FILE_NOT_FOUND ? 404 : 403;
            reply.text(code, (code == 404 ? "not found" : "forbidden") + "\n", kind + " refused: " + no.message());
            return;
        }
        TftpRoot.Resolution.Found f = (TftpRoot.Resolution.Found) r;
        ByteRange.Request range = ByteRange.parse(ex.getRequestHeaders().getFirst("Range"), f.size());
        ex.getResponseHeaders().set("Accept-Ranges", "bytes");
        if (range instanceof ByteRange.Request.Unsatisfiable) {
            ex.getResponseHeaders().set("Content-Range", "bytes */" + f.size());
            reply.text(416, "range not satisfiable\n", kind + " " + name + ": range " + ex.getRequestHeaders().getFirst("Range")
                    + " past " + f.size() + " bytes");
            return;
        }
        long first = 0;
        long length = f.size();
        int code = 200;
        if (range instanceof ByteRange.Request.Partial p) {
            first = p.range().first();
            length = p.range().length();
            code = 206;
            ex.getResponseHeaders().set("Content-Range", "bytes " + p.range().first() + "-" + p.range().last() + "/" + f.size());
        }
        ex.getResponseHeaders().set("Content-Type", "application/octet-stream");
        boolean head = ex.getRequestMethod().equals("HEAD");
        try (FileChannel ch = FileChannel.open(f.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            if (head) {
                ex.getResponseHeaders().set("Content-Length", Long.toString(length));
            }
            ex.sendResponseHeaders(code, head || length == 0 ? -1 : length);
            reply.sent(code, 0, kind + " " + name + (code == 206 ? " bytes " + first + "+" + length : "") + " of " + f.size());
            if (head || length == 0) {
                return;
            }
            if (ex instanceof TransportExchange zeroCopy) {
                zeroCopy.sendFile(ch, first, length);
                reply.sent(code, length, kind + " " + name + (code == 206 ? " bytes " + first + "+" + length : "")
                        + " of " + f.size());
                return;
            }
            try (OutputStream os = ex.getResponseBody()) {
                ByteBuffer buf = ByteBuffer.allocate((int) Math.min(CHUNK, length));
                long pos = first;
                long end = first + length;
                while (pos < end) {
                    buf.clear().limit((int) Math.min(buf.capacity(), end - pos));
                    int n = ch.read(buf, pos);
                    if (n < 0) {
                        throw new IOException("asset shrank while being served");
                    }
                    os.write(buf.array(), 0, n);
                    pos += n;
                }
                reply.sent(code, length, kind + " " + name + (code == 206 ? " bytes " + first + "+" + length : "")
                        + " of " + f.size());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
