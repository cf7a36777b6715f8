package io.kubermesh.addressing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * Replaces a file so that a crash at any point leaves either the old content or the new one,
 * never a mixture: write a temporary file beside it, fsync it, rename it over the target, fsync
 * the directory. Temporary files a crash left behind carry {@link #TEMP_MARK} and are ignored by
 * readers and removed by {@link #sweep}.
 */
public final class DurableFile {
    /** Part of every temporary file's name. */
    public static final String TEMP_MARK = ".tmp-";

    /** The steps of a write, in order, for crash-injection tests. */
    public enum Step { TEMP_WRITTEN, TEMP_SYNCED, RENAMED, DIRECTORY_SYNCED }

    /** Called after each step; a test hook throws from it to simulate a crash there. */
    @FunctionalInterface
    public interface StepListener {
        StepListener NONE = step -> { };

        void reached(Step step) throws IOException;
    }

    private DurableFile() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, StepListener.NONE);
    }

    public static void write(Path target, byte[] content, StepListener listener) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Path temp = dir.resolve(target.getFileName() + TEMP_MARK + UUID.randomUUID());
        try {
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(content);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                listener.reached(Step.TEMP_WRITTEN);
                ch.force(true);
            }
            listener.reached(Step.TEMP_SYNCED);
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system of " + dir + " cannot rename atomically", e);
            }
            listener.reached(Step.RENAMED);
            syncDirectory(dir);
            listener.reached(Step.DIRECTORY_SYNCED);
        } catch (IOException | RuntimeException e) {
            // A failed write removes its temporary file; a crash (an Error, or the process dying)
            // leaves it for sweep().
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /** Makes a rename in {@code dir} durable (POSIX: fsync the directory). */
    public static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /**
     * Removes the temporary files a crash left beside {@code dir/name}; returns how many. Call it
     * only while no other writer of that file can be between its steps (under its lock).
     */
    public static int sweep(Path dir, String name) throws IOException {
        int removed = 0;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (p.getFileName().toString().startsWith(name + TEMP_MARK) && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        }
        return removed;
    }
}
