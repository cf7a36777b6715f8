package io.kubermesh.routing.netlink.internal;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.KubermeshException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One dedicated thread that lives in a named network namespace ({@code /run/netns/NAME}, as
 * {@code ip netns add} creates it). setns(2) moves only the calling thread, so everything whose
 * namespace is fixed when it is opened (netlink sockets, /proc/sys/net files) is opened here;
 * a socket opened here keeps its namespace whatever thread uses it later.
 */
public final class NamespaceThread implements AutoCloseable {
    private final String name;
    private final ExecutorService thread;

    private NamespaceThread(String name) {
        this.name = name;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "netns-" + name);
            t.setDaemon(true);
            return t;
        });
    }

    public static NamespaceThread enter(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_.-]{1,64}") || name.startsWith(".")) {
            throw new IllegalArgumentException("a network namespace name as ip netns uses, got " + name);
        }
        Path path = Path.of("/run/netns", name);
        if (!Files.exists(path)) {
            throw new EnvironmentException("network namespace " + name + " does not exist (no " + path + ")",
                    "ip netns add " + name);
        }
        NamespaceThread ns = new NamespaceThread(name);
        try {
            ns.call(() -> {
                int fd = LibC.open(path.toString(), LibC.O_RDONLY | LibC.O_CLOEXEC);
                try {
                    LibC.setns(fd, LibC.CLONE_NEWNET);
                } finally {
                    LibC.close(fd);
                }
                return null;
            });
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** Runs {@code task} on the namespace's thread and returns its result; its exception is rethrown. */
    public <T> T call(Supplier<T> task) {
        try {
            return thread.submit(task::get).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new KubermeshException("in namespace " + name + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted waiting for namespace " + name, e);
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
