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
    private AssetResponder() {
    }

    static void serve(Exchange ex, Reply reply, TftpRoot assets, String kind, String name) {
        TftpRoot.Resolution r = assets.resolve(name);
        if (r instanceof TftpRoot.Resolution.Refused no) {
            int code = no.code() == TftpErrorCode.FILE_NOT_FOUND ? 404 : 403;
            reply.text(code, (code == 404 ? "not found" : "forbidden") + "\n", kind + " refused: " + no.message());
            return;
        }
        TftpRoot.Resolution.Found f = (TftpRoot.Resolution.Found) r;
        String rangeHeader = ex.headers.get("Range");
        ByteRange.Request range = ByteRange.parse(rangeHeader, f.size());
        ex.responseHeaders.set("Accept-Ranges", "bytes");
        if (range instanceof ByteRange.Request.Unsatisfiable) {
            ex.responseHeaders.set("Content-Range", "bytes */" + f.size());
            reply.text(416, "range not satisfiable\n", kind + " " + name + ": range " + rangeHeader + " past "
                    + f.size() + " bytes");
            return;
        }
        long first = 0;
        long length = f.size();
        int code = 200;
        if (range instanceof ByteRange.Request.Partial p) {
            first = p.range().first();
            length = p.range().length();
            code = 206;
            ex.responseHeaders.set("Content-Range", "bytes " + p.range().first() + "-" + p.range().last() + "/" + f.size());
        }
        FileChannel ch;
        try {
            ch = FileChannel.open(f.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            ex.respondFile(code, ch, first, length);
        } catch (IOException | RuntimeException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            if (e instanceof IOException io) {
                throw new UncheckedIOException(io);
            }
            throw (RuntimeException) e;
        }
        reply.sent(code, ex.head() ? 0 : length, kind + " " + name + (code == 206 ? " bytes " + first + "+" + length : "")
                + " of " + f.size());
    }
}
