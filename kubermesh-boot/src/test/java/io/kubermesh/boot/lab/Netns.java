package io.kubermesh.boot.lab;

import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.boot.internal.Sockets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A pair of network namespaces ({@code kmbd-srv}, {@code kmbd-cli} plus a suffix) joined by a veth
 * ({@code kmbd0a} in the server, {@code kmbd0b} in the client), DAD off so link-locals are usable at
 * once. Everything it creates is named with the {@code kmbd} prefix and removed by {@link #close}.
 */
public final class Netns implements AutoCloseable {
    public final String server;
    public final String client;
    public final String serverLink = "kmbd0a";
    public final String clientLink = "kmbd0b";
    private final List<Process> started = new ArrayList<>();

    /** Fails (does not skip) when the test lacks root or a binary, naming the package to install. */
    public static void require(String binary, String debianPackage) {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("this integration test needs root (network namespaces)");
        }
        for (String dir : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(dir, binary))) {
                return;
            }
        }
        fail(binary + " is missing: apt-get install -y " + debianPackage);
    }

    public Netns(String suffix, String serverMac, String clientMac) {
        require("ip", "iproute2");
        server = "kmbd-srv" + suffix;
        client = "kmbd-cli" + suffix;
        close();
        try {
            run("ip", "netns", "add", server);
            run("ip", "netns", "add", client);
            for (String ns : List.of(server, client)) {
                run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0");
                run("ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0");
                run("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
            }
            run("ip", "netns", "exec", server, "ip", "link", "add", serverLink, "address", serverMac, "type", "veth",
                    "peer", "name", clientLink, "address", clientMac, "netns", client);
            run("ip", "netns", "exec", server, "ip", "link", "set", serverLink, "up");
            run("ip", "netns", "exec", client, "ip", "link", "set", clientLink, "up");
            awaitLinkLocal(server, serverLink);
            awaitLinkLocal(client, clientLink);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Waits until {@code link} in {@code ns} has a usable (not tentative) link-local address. */
    public static void awaitLinkLocal(String ns, String link) {
        for (int i = 0; i < 100; i++) {
            String out = run("ip", "netns", "exec", ns, "ip", "-6", "addr", "show", "dev", link, "scope", "link");
            if (out.contains("inet6 fe80") && !out.contains("tentative")) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new IllegalStateException(link + " in " + ns + " has no usable link-local address after 5 s");
    }

    /** Runs a command to completion; fails with its output if it exits non-zero. */
    public static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish in 60 s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    public String inServer(String... command) {
        return run(prefixed(server, command));
    }

    public String inClient(String... command) {
        return run(prefixed(client, command));
    }

    /** Starts a long-running process in the client namespace; stopped by PID in {@link #close}. */
    public Process startInClient(Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(prefixed(client, command)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    /** Starts a long-running process in the server namespace; stopped by PID in {@link #close}. */
    public Process startInServer(Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(prefixed(server, command)).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    private static String[] prefixed(String ns, String... command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(List.of(command));
        return c.toArray(String[]::new);
    }

    /** Runs {@code action} on a fresh thread that entered the server namespace; threads it starts stay there. */
    public <T> T inServerNamespace(Supplier<T> action) {
        return inNamespace(server, action);
    }

    /** As {@link #inServerNamespace} in the client namespace. */
    public <T> T inClientNamespace(Supplier<T> action) {
        return inNamespace(client, action);
    }

    private static <T> T inNamespace(String ns, Supplier<T> action) {
        ExecutorService one = Executors.newSingleThreadExecutor();
        try {
            Future<T> f = one.submit(() -> {
                Sockets.enterNetworkNamespace(Path.of("/var/run/netns", ns));
                return action.get();
            });
            return f.get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("in namespace " + ns + ": " + e.getMessage(), e);
        } finally {
            one.shutdownNow();
        }
    }

    /** Kills what this lab started (by PID), then deletes both namespaces and with them the veth. */
    @Override
    public void close() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            try {
                p.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
        for (String ns : List.of(server, client)) {
            if (Files.exists(Path.of("/var/run/netns", ns))) {
                try {
                    run("ip", "netns", "del", ns);
                } catch (RuntimeException e) {
                    System.err.println("cleanup: " + e.getMessage());
                }
            }
        }
    }
}
