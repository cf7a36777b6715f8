package io.kubermesh.routing.netlink;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.routing.netlink.internal.LibC;
import io.kubermesh.routing.netlink.internal.NamespaceMounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Named network namespaces, compatible with {@code ip netns}: a namespace NAME is a bind mount of
 * a namespace file on {@code /run/netns/NAME}, so it outlives the processes in it and every tool
 * finds it. Creating one unshares a fresh thread (setns and unshare move only the calling
 * thread), bind-mounts {@code /proc/thread-self/ns/net}, and lets the thread end.
 */
public final class NetworkNamespaces {
    public static final Path RUN = Path.of("/run/netns");

    private NetworkNamespaces() {
    }

    public static Path path(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}")) {
            throw new ConfigurationException("netns", name, "a namespace name of letters, digits, '_', '-' and '.'");
        }
        return RUN.resolve(name);
    }

    public static boolean exists(String name) {
        return Files.exists(path(name));
    }

    /** The names under /run/netns. */
    public static List<String> list() {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(RUN)) {
            return out;
        }
        try (var files = Files.list(RUN)) {
            files.forEach(p -> out.add(p.getFileName().toString()));
        } catch (IOException e) {
            throw new KubermeshException("cannot list " + RUN + ": " + e.getMessage(), e);
        }
        out.sort(null);
        return out;
    }

    /** Creates namespace {@code name}; it must not exist. Needs root (CAP_SYS_ADMIN). */
    public static void create(String name) {
        Path target = path(name);
        if (Files.exists(target)) {
            throw new KubermeshException("network namespace " + name + " exists already (" + target + ")");
        }
        try {
            Files.createDirectories(RUN);
            makeShared();
            Files.createFile(target);
        } catch (IOException e) {
            throw new EnvironmentException("cannot create " + target + ": " + e.getMessage(), "run as root");
        }
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                NamespaceMounts.unshare(LibC.CLONE_NEWNET);
                NamespaceMounts.mount("/proc/thread-self/ns/net", target.toString(), "none", NamespaceMounts.MS_BIND);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        }, "netns-create-" + name);
        t.start();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted creating namespace " + name, e);
        }
        if (failure.get() != null) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException ignored) {
                // the mount failed; the empty file is all there is to remove
            }
            if (failure.get() instanceof NetlinkException ne && ne.errno() == 1) {
                throw new EnvironmentException("creating network namespace " + name + " needs root (" + ne.getMessage() + ")",
                        "run as root");
            }
            throw failure.get();
        }
    }

    /** Deletes namespace {@code name}: its links go with it once no process is left in it. False if absent. */
    public static boolean delete(String name) {
        Path target = path(name);
        if (!Files.exists(target)) {
            return false;
        }
        NamespaceMounts.umount(target.toString(), NamespaceMounts.MNT_DETACH);
        try {
            Files.deleteIfExists(target);
        } catch (IOException e) {
            throw new KubermeshException("cannot remove " + target + ": " + e.getMessage(), e);
        }
        return true;
    }

    /** As {@code ip netns}: /run/netns is a shared mount so namespaces show in other mount namespaces. */
    private static void makeShared() {
        try {
            NamespaceMounts.mount("", RUN.toString(), "none", NamespaceMounts.MS_SHARED | NamespaceMounts.MS_REC);
        } catch (NetlinkException e) {
            if (e.errno() != NamespaceMounts.EINVAL) {
                throw e;
            }
            // Not a mount point yet: bind it on itself, then share it.
            NamespaceMounts.mount(RUN.toString(), RUN.toString(), "none", NamespaceMounts.MS_BIND | NamespaceMounts.MS_REC);
            NamespaceMounts.mount("", RUN.toString(), "none", NamespaceMounts.MS_SHARED | NamespaceMounts.MS_REC);
        }
    }
}
