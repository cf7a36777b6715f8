package io.kubermesh.agent.console;

import io.kubermesh.api.SubstrateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A machine's console kept as a log file that something else appends to (virtlogd for a VM's
 * serial port, a namespace machine's processes): its last lines, and its lines as they come. A
 * line reads as it would on a terminal: carriage returns and the escapes firmware paints its
 * screen with (ECMA-48 CSI sequences) are dropped. Bytes are split into lines before they are
 * decoded, so a character a read cuts in two still arrives whole.
 */
public final class ConsoleLog {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleLog.class);
    /** CSI: ESC [ parameters (digits ; = ?) final byte. */
    private static final Pattern CSI = Pattern.compile("\u001b\\[[0-9;=?]*[@-~]");
    /** How much of the file's end {@link #tail} reads: far more than a screen of lines. */
    private static final int TAIL_BYTES = 256 * 1024;
    private static final int READ_BYTES = 1 << 20;

    private final Path file;

    /** The console logged to {@code file}, which may not exist yet. */
    public ConsoleLog(Path file) {
        this.file = file;
    }

    /** The printable text of one console line. */
    public static String clean(String raw) {
        return CSI.matcher(raw).replaceAll("").replace("\r", "");
    }

    /** The last {@code lines} lines, oldest first; none when nothing was logged yet. */
    public List<String> tail(int lines) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - TAIL_BYTES);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.seek(start);
            f.readFully(buf);
            List<String> all = new ArrayList<>();
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            partial.write(buf, 0, buf.length);
            drainLines(partial, all::add);
            if (partial.size() > 0) {
                all.add(decode(partial.toByteArray(), partial.size())); // the line being written
            }
            if (start > 0 && !all.isEmpty()) {
                all.remove(0); // begins mid-line
            }
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            throw new SubstrateException("cannot read the console " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Follows the log from its start on a daemon thread named {@code thread}, handing on each
     * complete line, until the returned handle is closed. A log that shrinks (rotated) is read
     * again from its start.
     */
    public AutoCloseable follow(String thread, Consumer<String> lines) {
        Thread t = new Thread(() -> run(lines), thread);
        t.setDaemon(true);
        t.start();
        return t::interrupt;
    }

    private void run(Consumer<String> lines) {
        long offset = 0;
        ByteArrayOutputStream partial = new ByteArrayOutputStream();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (Files.exists(file)) {
                    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
                        if (f.length() < offset) {
                            offset = 0;
                            partial.reset();
                        }
                        byte[] buf = new byte[(int) Math.min(READ_BYTES, f.length() - offset)];
                        f.seek(offset);
                        f.readFully(buf);
                        offset += buf.length;
                        partial.write(buf, 0, buf.length);
                    }
                    drainLines(partial, lines);
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.warn("console {}: {}", file, e.toString());
                return;
            }
        }
    }

    /** Hands on every complete line in {@code partial} and keeps only the incomplete rest. */
    private static void drainLines(ByteArrayOutputStream partial, Consumer<String> lines) {
        byte[] bytes = partial.toByteArray();
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.accept(clean(new String(bytes, from, i - from, StandardCharsets.UTF_8)));
                from = i + 1;
            }
        }
        partial.reset();
        partial.write(bytes, from, bytes.length - from);
    }

    private static String decode(byte[] bytes, int length) {
        return clean(new String(bytes, 0, length, StandardCharsets.UTF_8));
    }
}
