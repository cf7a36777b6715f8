package io.kubermesh.spi;

import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A machine's console kept as a log file its process writes to (an agent in a namespace, the
 * baremetal gateway): the last lines for {@link Substrate#consoleTail} and a follower for
 * {@link Substrate#console}. One copy for every substrate that keeps its consoles this way.
 */
public final class ConsoleLog {
    private final String machine;
    private final Path file;

    /** The console of {@code machine}, kept in {@code file} (which may not exist yet). */
    public ConsoleLog(String machine, Path file) {
        this.machine = machine;
        this.file = file;
    }

    /** The last {@code lines} lines; none when the file does not exist yet. */
    public List<String> tail(int lines) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new SubstrateException("cannot read the console of " + machine + " (" + file + "): " + e.getMessage(), e);
        }
    }

    /**
     * Follows the log from its start, line by line, on a daemon thread until the handle is closed.
     * A file that shrinks (truncated, or replaced on a restart) is read again from its start; a
     * file that cannot be read ends the following.
     */
    public AutoCloseable follow(Consumer<String> lines) {
        Thread t = new Thread(() -> follow(file, lines), "console-" + machine);
        t.setDaemon(true);
        t.start();
        return t::interrupt;
    }

    private static void follow(Path log, Consumer<String> lines) {
        long offset = 0;
        StringBuilder partial = new StringBuilder();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (Files.exists(log)) {
                    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                        if (f.length() < offset) {
                            offset = 0;
                        }
                        byte[] buf = new byte[(int) Math.min(1 << 20, f.length() - offset)];
                        f.seek(offset);
                        f.readFully(buf);
                        offset += buf.length;
                        partial.append(new String(buf, StandardCharsets.UTF_8));
                    }
                    int nl;
                    while ((nl = partial.indexOf("\n")) >= 0) {
                        lines.accept(partial.substring(0, nl));
                        partial.delete(0, nl + 1);
                    }
                }
                Thread.sleep(100);
            } catch (InterruptedException | IOException e) {
                return;
            }
        }
    }
}
