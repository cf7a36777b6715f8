package io.kubermesh.provider.libvirt;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a machine's console log (virtlogd appends what the serial port prints) and hands on
 * each complete line as text: carriage returns and the terminal escapes firmware paints its
 * screen with (ECMA-48 CSI sequences) are dropped, so a line reads as it would on a terminal.
 */
final class ConsoleFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleFollower.class);
    /** CSI: ESC [ parameters (digits ; = ?) final byte. */
    private static final Pattern CSI = Pattern.compile("\u001b\\[[0-9;=?]*[@-~]");
    private final Thread thread;

    private ConsoleFollower(Thread thread) {
        this.thread = thread;
    }

    /** Follows {@code log} from its start; the file may not exist yet. */
    static ConsoleFollower follow(Path log, String name, Consumer<String> lines) {
        Thread t = new Thread(() -> run(log, lines), "console-" + name);
        t.setDaemon(true);
        t.start();
        return new ConsoleFollower(t);
    }

    /** The printable text of one console line. */
    static String clean(String raw) {
        return CSI.matcher(raw).replaceAll("").replace("\r", "");
    }

    @Override
    public void close() {
        thread.interrupt();
    }

    private static void run(Path log, Consumer<String> lines) {
        long offset = 0;
        StringBuilder partial = new StringBuilder();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                if (Files.exists(log)) {
                    try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "r")) {
                        if (f.length() < offset) {
                            offset = 0; // virtlogd rotated the log
                        }
                        f.seek(offset);
                        byte[] buf = new byte[(int) Math.min(1 << 20, f.length() - offset)];
                        f.readFully(buf);
                        offset += buf.length;
                        partial.append(new String(buf, StandardCharsets.UTF_8));
                        int nl;
                        while ((nl = partial.indexOf("\n")) >= 0) {
                            lines.accept(clean(partial.substring(0, nl)));
                            partial.delete(0, nl + 1);
                        }
                    }
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (IOException e) {
                LOG.warn("console {}: {}", log, e.toString());
                return;
            }
        }
    }
}
