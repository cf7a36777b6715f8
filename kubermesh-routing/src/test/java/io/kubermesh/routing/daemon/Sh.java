package io.kubermesh.routing.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Test-only command runner for the harness (ip, ip6tables, busybox ping); product code never calls it. */
final class Sh {
    record Result(int status, String output) {
    }

    private Sh() {
    }

    static Result run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs and requires exit status 0. */
    static String ok(String... command) {
        Result r = run(List.of(command));
        if (r.status() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " -> " + r.status() + ": " + r.output());
        }
        return r.output();
    }

    /** Runs {@code ip -batch -} with the given lines, optionally inside a namespace. */
    static void ipBatch(String namespace, List<String> lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            List<String> cmd = namespace == null ? List.of("ip", "-batch", "-") : List.of("ip", "-n", namespace, "-batch", "-");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("ip -batch in " + namespace + " failed: " + out + "\n" + lines);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
