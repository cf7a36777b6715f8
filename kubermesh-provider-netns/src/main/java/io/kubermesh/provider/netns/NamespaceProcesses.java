package io.kubermesh.provider.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The processes that live in a named network namespace, found by comparing each process's
 * {@code /proc/PID/ns/net} with the namespace file's inode: powering a machine off stops exactly
 * these, and nothing outside the namespace.
 */
final class NamespaceProcesses {
    private NamespaceProcesses() {
    }

    static List<Long> in(Path namespaceFile) {
        List<Long> pids = new ArrayList<>();
        String wanted;
        try {
            wanted = "net:[" + Files.getAttribute(namespaceFile, "unix:ino") + "]";
        } catch (IOException | UnsupportedOperationException e) {
            return pids;
        }
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readSymbolicLink(p.resolve("ns/net")).toString().equals(wanted)) {
                        pids.add(Long.parseLong(name));
                    }
                } catch (IOException | SecurityException e) {
                    // the process ended while we looked, or is not ours to read
                }
            }
        } catch (IOException e) {
            return pids;
        }
        return pids;
    }

    /**
     * Asks every process in the namespace to stop (SIGTERM: an orderly shutdown) and waits up to
     * {@code graceMillis} for them to go; returns whether they all did.
     */
    static boolean terminateAll(Path namespaceFile, long graceMillis) {
        long self = ProcessHandle.current().pid();
        for (long pid : in(namespaceFile)) {
            if (pid != self) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
            }
        }
        long deadline = System.nanoTime() + graceMillis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            List<Long> left = in(namespaceFile);
            left.remove(self);
            if (left.isEmpty()) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }

    /** Kills every process in the namespace (SIGKILL: a power cut) and waits for them to go. */
    static int killAll(Path namespaceFile) {
        long self = ProcessHandle.current().pid();
        int killed = 0;
        for (int round = 0; round < 50; round++) {
            List<Long> pids = in(namespaceFile);
            pids.remove(self);
            if (pids.isEmpty()) {
                return killed;
            }
            for (long pid : pids) {
                if (ProcessHandle.of(pid).map(ProcessHandle::destroyForcibly).orElse(false)) {
                    killed++;
                }
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return killed;
            }
        }
        return killed;
    }
}
