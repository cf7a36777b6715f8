package io.kubermesh.image.internal;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.Requirement;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Runs an external program to completion. Its output is kept (the last 64 KiB) and handed line by
 * line to a log; a non-zero exit is a {@link KubermeshException} naming the command, its exit code
 * and the tail of its output, so a failed build step says what failed. The program is a
 * {@link CommandLine} made from a registered {@link Requirement.Program} ({@code HostRequirements}),
 * so a program that cannot be started names its package.
 */
public final class Command {
    private static final int KEEP = 64 * 1024;

    private final CommandLine commandLine;
    private final List<String> argv;
    private final Map<String, String> env = new java.util.TreeMap<>();
    private Path directory;
    private Consumer<String> log = line -> { };
    private long timeoutSeconds = 3600;

    private Command(CommandLine commandLine) {
        this.commandLine = commandLine;
        this.argv = commandLine.argv();
    }

    /** {@code commandLine}, made by {@code HostRequirements.X.args(...)}. */
    public static Command of(CommandLine commandLine) {
        return new Command(commandLine);
    }

    public Command env(String name, String value) {
        env.put(name, value);
        return this;
    }

    public Command in(Path dir) {
        this.directory = dir;
        return this;
    }

    public Command log(Consumer<String> each) {
        this.log = each;
        return this;
    }

    public Command timeout(long seconds) {
        this.timeoutSeconds = seconds;
        return this;
    }

    /** Runs it; returns its output (stdout and stderr merged). */
    public String run() {
        return run(null);
    }

    /** Runs it with {@code stdin} as its standard input (null: none); returns its output. */
    public String run(byte[] stdin) {
        Process p = start(false);
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin);
            }
        } catch (IOException e) {
            // the program may not read its input; its exit code says whether it failed
        }
        StringBuilder out = new StringBuilder();
        try (var r = new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                log.accept(line);
                out.append(line).append('\n');
                if (out.length() > 2 * KEEP) {
                    out.delete(0, out.length() - KEEP);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await(p, out.toString());
        return out.toString();
    }

    /**
     * Starts it with its standard output as a stream for the caller (standard error kept for the
     * failure message); the caller reads it and then calls {@link Running#await()}.
     */
    public Running startReading() {
        return new Running(start(true));
    }

    /** A started program whose standard input and output the caller uses. */
    public final class Running {
        private final Process process;
        private final Thread errors;
        private final StringBuilder err = new StringBuilder();

        private Running(Process process) {
            this.process = process;
            this.errors = new Thread(() -> {
                try {
                    String s = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
                    synchronized (err) {
                        err.append(s.length() > KEEP ? s.substring(s.length() - KEEP) : s);
                    }
                } catch (IOException e) {
                    // gone
                }
            }, "stderr-" + argv.get(0));
            errors.setDaemon(true);
            errors.start();
        }

        public OutputStream stdin() {
            return process.getOutputStream();
        }

        public InputStream stdout() {
            return process.getInputStream();
        }

        /** Waits for the end; fails on a non-zero exit. */
        public void await() {
            try {
                errors.join(TimeUnit.SECONDS.toMillis(timeoutSeconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (err) {
                Command.this.await(process, err.toString());
            }
        }
    }

    private Process start(boolean separateErrors) {
        String program = argv.get(0);
        ProcessBuilder pb = commandLine.processBuilder().redirectErrorStream(!separateErrors);
        pb.environment().putAll(env);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        try {
            return pb.start();
        } catch (IOException e) {
            throw new EnvironmentException(program + " could not be started (" + e.getMessage() + ")",
                    Tools.remedy(commandLine.programs()));
        }
    }

    private void await(Process p, String output) {
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new KubermeshException(describe() + " did not finish in " + timeoutSeconds + " s");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new KubermeshException(describe() + " interrupted");
        }
        if (p.exitValue() != 0) {
            String tail = output.length() > 4000 ? "..." + output.substring(output.length() - 4000) : output;
            throw new KubermeshException(describe() + " failed with exit code " + p.exitValue() + ":\n" + tail.strip());
        }
    }

    private String describe() {
        String s = String.join(" ", argv);
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    /** True when {@code program} is an executable on PATH (or an absolute path that is one). */
    public static boolean onPath(Requirement.Program registered) {
        String program = registered.executable();
        if (program.contains("/")) {
            return Files.isExecutable(Path.of(program));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
