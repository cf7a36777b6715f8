package io.kubermesh.boot.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a command to completion with a timeout; output is captured (stdout and stderr merged). */
public final class Exec {
    /** What a command did. */
    public record Result(List<String> command, int exit, String output) {
        public Result orThrow() {
            if (exit != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + exit + ": " + output);
            }
            return this;
        }
    }

    private Exec() {
    }

    public static Result run(long timeoutSeconds, String... command) {
        return run(timeoutSeconds, Arrays.asList(command));
    }

    public static Result run(long timeoutSeconds, List<String> command) {
        try {
            Path out = Files.createTempFile("kmbt-exec", ".out");
            try {
                Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                    return new Result(command, -1, "TIMED OUT after " + timeoutSeconds + " s: "
                            + Files.readString(out, StandardCharsets.ISO_8859_1));
                }
                return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
            } finally {
                Files.deleteIfExists(out);
            }
        } catch (IOException e) {
            return new Result(command, -2, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(command, -3, "interrupted");
        }
    }

    /** {@code ip netns exec NS command...}. */
    public static Result inNetns(String netns, long timeoutSeconds, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        c.addAll(Arrays.asList(command));
        return run(timeoutSeconds, c);
    }

    /**
     * Fails (never skips) when the test cannot run: not root, or a binary missing, naming the
     * Debian package that provides it.
     */
    public static void require(String binary, String debianPackage) {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("this integration test needs root (network namespaces); run it as root");
        }
        if (run(10, "sh", "-c", "command -v " + binary).exit() != 0) {
            throw new AssertionError(binary + " not found: apt-get install -y " + debianPackage);
        }
    }
}
