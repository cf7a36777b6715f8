package io.kubermesh.boot.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A main class of this module's test class path run in a network namespace
 * ({@code ip netns exec NS java ...}); it must print a line starting with {@code READY} once it
 * serves. Its output goes to a log file under target/. Close stops it by its PID.
 */
public final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String ready;

    private JavaProcess(Process process, Path log, String ready) {
        this.process = process;
        this.log = log;
        this.ready = ready;
    }

    public static JavaProcess start(String netns, Class<?> main, Path log, List<String> args) {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, java, "-Xmx512m",
                "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "-cp", cp, main.getName()));
        cmd.addAll(args);
        try {
            Files.createDirectories(log.getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            BlockingQueue<String> first = new LinkedBlockingQueue<>();
            Thread pump = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                     var w = Files.newBufferedWriter(log)) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        w.write(line);
                        w.newLine();
                        w.flush();
                        if (line.startsWith("READY")) {
                            first.add(line);
                        }
                    }
                } catch (IOException e) {
                    // process gone
                }
                first.add("EXITED");
            }, "pump-" + main.getSimpleName());
            pump.setDaemon(true);
            pump.start();
            String line = first.poll(60, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("READY")) {
                p.destroyForcibly();
                throw new IllegalStateException(main.getSimpleName() + " did not become ready (" + line + "); log "
                        + log + ":\n" + Files.readString(log));
            }
            return new JavaProcess(p, log, line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The READY line the process printed. */
    public String readyLine() {
        return ready;
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
