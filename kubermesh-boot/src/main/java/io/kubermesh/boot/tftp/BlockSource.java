package io.kubermesh.boot.tftp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Random-access bytes a read transfer serves: a file, or an array in tests. */
public interface BlockSource {
    /** Total length in bytes, fixed for the transfer. */
    long size();

    /** Reads {@code length} bytes at {@code offset}; the caller never asks past {@link #size()}. */
    byte[] read(long offset, int length);

    /** An in-memory source. */
    static BlockSource of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new BlockSource() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public byte[] read(long offset, int length) {
                byte[] out = new byte[length];
                System.arraycopy(copy, (int) offset, out, 0, length);
                return out;
            }
        };
    }

    /** Bytes read ahead from a file at once: a 1468-byte block costs a read of the file once in 44. */
    int READ_AHEAD = 64 * 1024;

    /**
     * A file opened by the caller, read with positional reads (a retransmission needs no seek) of
     * {@link #READ_AHEAD} bytes at a time, blocks served from the last read.
     */
    static BlockSource of(FileChannel channel, long size) {
        return new BlockSource() {
            private final ByteBuffer ahead = ByteBuffer.allocate(READ_AHEAD);
            private long aheadAt = -1;

            @Override
            public long size() {
                return size;
            }

            @Override
            public byte[] read(long offset, int length) {
                byte[] out = new byte[length];
                if (length > READ_AHEAD) {
                    fill(ByteBuffer.wrap(out), offset);
                    return out;
                }
                if (aheadAt < 0 || offset < aheadAt || offset + length > aheadAt + ahead.limit()) {
                    ahead.clear().limit((int) Math.min(READ_AHEAD, size - offset));
                    fill(ahead, offset);
                    aheadAt = offset;
                }
                System.arraycopy(ahead.array(), (int) (offset - aheadAt), out, 0, length);
                return out;
            }

            private void fill(ByteBuffer b, long offset) {
                try {
                    while (b.hasRemaining()) {
                        if (channel.read(b, offset + b.position()) < 0) {
                            throw new IOException("file shrank while being served, at offset " + (offset + b.position()));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                b.flip();
            }
        };
    }
}
