package io.kubermesh.routing.daemon;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Finds a daemon still running from an earlier agent: the pid in its pid file, alive, with that
 * pid file on its command line (so a reused pid of another program is never taken for it).
 */
final class Adoption {
    private Adoption() {
    }

    static Optional<ProcessHandle> running(Path pidFile) {
        if (pidFile == null || !Files.isRegularFile(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.US_ASCII).trim());
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> namesFile(pid, pidFile));
    }

    /** /proc/PID/cmdline is the argv separated by NULs. */
    private static boolean namesFile(long pid, Path pidFile) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
            return Arrays.asList(new String(raw, StandardCharsets.UTF_8).split("\0")).contains(pidFile.toString());
        } catch (IOException e) {
            return false;
        }
    }
}
