package io.kubermesh.provider.libvirt;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Copies a disk image block by block, leaving all-zero blocks as holes: a deployment image is
 * mostly empty space, and each deployed machine gets its own copy to write to.
 */
final class SparseCopy {
    static final int BLOCK = 1 << 20;

    private SparseCopy() {
    }

    /** Copies {@code from} to a new file {@code to}; returns the bytes actually written. */
    static long copy(Path from, Path to) throws IOException {
        long written = 0;
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = in.size();
            ByteBuffer buf = ByteBuffer.allocateDirect(BLOCK);
            for (long pos = 0; pos < size; pos += BLOCK) {
                buf.clear();
                while (buf.hasRemaining() && pos + buf.position() < size) {
                    if (in.read(buf, pos + buf.position()) < 0) {
                        break;
                    }
                }
                buf.flip();
                if (isZero(buf)) {
                    continue;
                }
                long at = pos;
                while (buf.hasRemaining()) {
                    at += out.write(buf, at);
                }
                written += at - pos;
            }
            out.truncate(size);
            if (out.size() < size) {
                // the image ends in a hole: set the length without writing the zeros
                out.write(ByteBuffer.allocate(1), size - 1);
            }
            out.force(true);
        }
        return written;
    }

    private static boolean isZero(ByteBuffer b) {
        int i = b.position();
        int end = b.limit();
        for (; i + 8 <= end; i += 8) {
            if (b.getLong(i) != 0) {
                return false;
            }
        }
        for (; i < end; i++) {
            if (b.get(i) != 0) {
                return false;
            }
        }
        return true;
    }
}
