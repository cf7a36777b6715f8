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

    /** A file opened by the caller, read with positional reads so retransmissions need no seek. */
    static BlockSource of(FileChannel channel, long size) {
        return new BlockSource() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public byte[] read(long offset, int length) {
                ByteBuffer b = ByteBuffer.allocate(length);
                try {
                    while (b.hasRemaining()) {
                        if (channel.read(b, offset + b.position()) < 0) {
                            throw new IOException("file shrank while being served, at offset " + (offset + b.position()));
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return b.array();
            }
        };
    }
}
