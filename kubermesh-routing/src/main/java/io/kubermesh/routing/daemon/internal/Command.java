package io.kubermesh.routing.daemon.internal;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.routing.daemon.RoutingDaemonException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Runs a short client command (vtysh) to completion and returns its standard output. */
public final class Command {
    private Command() {
    }

    /**
     * Runs {@code command}, waits at most {@code timeout}, and returns standard output; a non-zero
     * exit, a timeout or a missing program is an exception naming the command and its stderr.
     */
    public static String run(CommandLine commandLine, Duration timeout, String debianPackage) {
        List<String> command = commandLine.argv();
        Process p;
        try {
            p = commandLine.processBuilder().start();
        } catch (IOException e) {
            throw new EnvironmentException("cannot run " + command.get(0) + ": " + e.getMessage(),
                    "apt-get install -y " + debianPackage);
        }
        try {
            p.getOutputStream().close();
        } catch (IOException e) {
            // nothing to tell a process that is already gone
        }
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new RoutingDaemonException(String.join(" ", command) + " did not finish in " + timeout.toMillis() + " ms");
            }
            String stdout = out.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            String stderr = err.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (p.exitValue() != 0) {
                throw new RoutingDaemonException(String.join(" ", command) + " exited with status " + p.exitValue()
                        + ": " + (stderr + stdout).strip());
            }
            return stdout;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new RoutingDaemonException("interrupted running " + command.get(0), e);
        } catch (ExecutionException | TimeoutException e) {
            p.destroyForcibly();
            throw new RoutingDaemonException("cannot read the output of " + command.get(0), e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
