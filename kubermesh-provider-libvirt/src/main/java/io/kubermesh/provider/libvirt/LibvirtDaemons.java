package io.kubermesh.provider.libvirt;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local libvirt daemons for {@code qemu:///system}. Debian 12 ships the monolithic
 * {@code libvirtd}; with systemd it is socket-activated, without systemd (containers, CI) nothing
 * starts it. The substrate then starts {@code virtlogd -d} (it writes the console logs) and
 * {@code libvirtd -d}, remembers their PIDs in the lab state, and stops exactly those at the end;
 * daemons it found running it leaves alone.
 *
 * <p>A {@code /dev/kvm} that exists but that libvirt's qemu user cannot open (root-only, as on
 * this project's CI host) makes libvirt 9.0 probe qemu again on every lookup: its probe gets KVM,
 * its check as {@code libvirt-qemu} does not, so every cached answer is "outdated" ("KVM was
 * enabled when probing ..., but it is not available now", in its debug log). Every domain define
 * and start then takes 4-7 s, and a lab many times longer. Such KVM is of no use to libvirt
 * anyway (its domains would fail with "Permission denied"), so a libvirtd the substrate starts
 * there runs in a mount namespace of its own whose {@code /dev} is an overlay of the host's with
 * {@code kvm} whited out ({@link #HIDDEN_KVM}); the host's {@code /dev} is not touched, and the
 * namespace ends with the daemon.
 */
final class LibvirtDaemons {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtDaemons.class);
    static final Path LIBVIRTD = Path.of("/usr/sbin/libvirtd");
    static final Path VIRTLOGD = Path.of("/usr/sbin/virtlogd");
    static final Path LIBVIRTD_PID = Path.of("/run/libvirtd.pid");
    static final Path VIRTLOGD_PID = Path.of("/run/virtlogd.pid");
    static final Path LIBVIRT_SOCKET = Path.of("/run/libvirt/libvirt-sock");
    static final Path VIRTLOGD_SOCKET = Path.of("/run/libvirt/virtlogd-sock");
    /** The overlay's directories for a libvirtd started with {@code /dev/kvm} hidden; removed when it stops. */
    static final Path HIDDEN_KVM = Path.of("/run/km-libvirtd-dev");
    /**
     * Run by {@code unshare --mount --propagation private}: the host's {@code /dev} (with its
     * submounts) bound aside and unmounted from {@code /dev} (in this namespace only), an overlay
     * of it with a whiteout for {@code kvm} mounted on {@code /dev}, the submounts
     * ({@code /dev/pts}, {@code /dev/shm}, ...) bound again on top, then libvirtd. The old
     * {@code /dev} must not stay under the overlay: libvirt moves every mount it finds under
     * {@code /dev} into each domain's namespace, and a covered one cannot be moved ("Unable to
     * move /dev/pts mount ...: Invalid argument"). Arguments: the overlay directory, libvirtd,
     * the submounts.
     */
    static final String HIDE_KVM_SCRIPT = "set -e; d=$1; shift; libvirtd=$1; shift; "
            + "mount --rbind /dev \"$d/old\"; umount -l /dev; mknod \"$d/upper/kvm\" c 0 0; "
            + "mount -t overlay kmdev -o \"lowerdir=$d/old,upperdir=$d/upper,workdir=$d/work\" /dev; "
            + "for t in \"$@\"; do mount --rbind \"$d/old${t#/dev}\" \"$t\"; done; "
            + "exec \"$libvirtd\" -d";

    /** What {@link #ensureRunning} started: PIDs, 0 for a daemon that was already running. */
    record Started(long virtlogd, long libvirtd) {
    }

    private LibvirtDaemons() {
    }

    /** The command that starts the daemons by hand, for messages. */
    static String howToStart() {
        return "start the daemons: virtlogd -d && libvirtd -d (or systemctl start libvirtd where systemd runs)";
    }

    /** Starts virtlogd and libvirtd if they are not running; waits until libvirtd answers. */
    static Started ensureRunning(Duration timeout) {
        long virtlogd = 0;
        long libvirtd = 0;
        if (running("virtlogd", VIRTLOGD_PID).isEmpty() && !Files.exists(VIRTLOGD_SOCKET)) {
            virtlogd = start(VIRTLOGD, "virtlogd", VIRTLOGD_PID, VIRTLOGD_SOCKET, timeout);
        }
        if (running("libvirtd", LIBVIRTD_PID).isEmpty() && !answers()) {
            try {
                libvirtd = start(LIBVIRTD, "libvirtd", LIBVIRTD_PID, LIBVIRT_SOCKET, timeout);
            } catch (RuntimeException e) {
                stop(virtlogd, "virtlogd");
                throw e;
            }
        }
        return new Started(virtlogd, libvirtd);
    }

    /** Stops a daemon this lab started, if {@code pid} still is that daemon (PIDs are reused). */
    static void stop(long pid, String name) {
        if (pid <= 0) {
            return;
        }
        Optional<ProcessHandle> p = ProcessHandle.of(pid).filter(h -> name.equals(comm(pid)) && alive(pid));
        if (p.isEmpty()) {
            return;
        }
        p.get().destroy();
        if (awaitExit(pid, 15_000)) {
            LOG.info("stopped {} (pid {}), which this lab had started", name, pid);
        } else {
            LOG.warn("{} (pid {}) did not stop within 15 s of SIGTERM; killing it", name, pid);
            p.get().destroyForcibly();
            awaitExit(pid, 5_000);
        }
        if (name.equals("libvirtd") && !alive(pid)) {
            removeHiddenKvm();
        }
    }

    /** libvirtd in a mount namespace of its own whose {@code /dev} has no {@code kvm} ({@link #HIDE_KVM_SCRIPT}). */
    static CommandLine hidingKvm(Path libvirtd) throws IOException {
        removeHiddenKvm();
        for (String sub : List.of("old", "upper", "work")) {
            Files.createDirectories(HIDDEN_KVM.resolve(sub));
        }
        List<String> args = new java.util.ArrayList<>(List.of("-c", HIDE_KVM_SCRIPT, "sh", HIDDEN_KVM.toString(),
                libvirtd.toString()));
        args.addAll(devSubmounts(Files.readString(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)));
        return HostRequirements.UNSHARE.wrapping(List.of("--mount", "--propagation", "private", "--"),
                HostRequirements.SH.args(args).alsoRunning(HostRequirements.MOUNT, HostRequirements.UMOUNT, HostRequirements.MKNOD));
    }

    /** The mount points directly under {@code /dev} in a {@code /proc/PID/mountinfo}, in order. */
    static List<String> devSubmounts(String mountinfo) {
        return mountinfo.lines().map(l -> l.split(" ")).filter(f -> f.length > 4).map(f -> f[4])
                .filter(t -> t.matches("/dev/[^/\\\\]+")).distinct().toList();
    }

    /**
     * Removes the overlay's directories once the libvirtd using them is gone (its namespace, and
     * the mounts in it, ended with it): entry by entry, never recursively, so nothing but those
     * (empty) directories and the whiteout can go.
     */
    static void removeHiddenKvm() {
        for (Path p : List.of(HIDDEN_KVM.resolve("upper/kvm"), HIDDEN_KVM.resolve("upper"), HIDDEN_KVM.resolve("work/work"),
                HIDDEN_KVM.resolve("work"), HIDDEN_KVM.resolve("old"), HIDDEN_KVM)) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", p, e.getMessage());
                return;
            }
        }
    }

    /**
     * Waits for a process that is not our child to end. A daemon's parent is init, and an init
     * that reaps late leaves a zombie for a while, which still answers signals: it counts as gone.
     */
    static boolean awaitExit(long pid, long millis) {
        long deadline = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < deadline) {
            if (!alive(pid)) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return !alive(pid);
            }
        }
        return !alive(pid);
    }

    /** Whether {@code pid} runs: it exists and is not a zombie. */
    static boolean alive(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // pid (comm) state ...: comm may hold spaces and parentheses, the state follows the last ')'
            return stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The running daemon's PID according to its pid file, if the process is that daemon. */
    static Optional<Long> running(String name, Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return name.equals(comm(pid)) && alive(pid) ? Optional.of(pid) : Optional.empty();
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean answers() {
        if (!Files.exists(LIBVIRT_SOCKET)) {
            return false;
        }
        try (Hypervisor h = Hypervisor.open("qemu:///system")) {
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static long start(Path binary, String name, Path pidFile, Path socket, Duration timeout) {
        if (!Files.isExecutable(binary)) {
            throw new EnvironmentException(binary + " is missing", "apt-get install -y " + LibvirtEnvironment.PACKAGES);
        }
        try {
            boolean hide = name.equals("libvirtd") && Accelerator.unusableByQemuUser();
            CommandLine command = hide ? hidingKvm(binary)
                    : (name.equals("libvirtd") ? HostRequirements.LIBVIRTD : HostRequirements.VIRTLOGD).at(binary.toString(), List.of("-d"));
            Process p = command.processBuilder().redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.PIPE).start();
            String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (p.waitFor() != 0) {
                removeHiddenKvm();
                if (hide) {
                    throw new EnvironmentException("libvirtd did not start in a mount namespace without " + Accelerator.KVM
                            + " (unshare, an overlay of /dev): exit " + p.exitValue() + (said.isEmpty() ? "" : ": " + said),
                            "load overlayfs (modprobe overlay), or let libvirt's qemu user open " + Accelerator.KVM
                                    + " (chgrp kvm /dev/kvm && chmod 0660 /dev/kvm), or start libvirtd yourself: "
                                    + howToStart());
                }
                throw new SubstrateException(name + " -d exited with " + p.exitValue() + (said.isEmpty() ? "" : ": " + said)
                        + "; run it by hand (" + binary + " -v) to see why");
            }
            if (hide) {
                LOG.info("{} is not usable by libvirt's qemu user: libvirtd runs with it hidden (a mount namespace of its own)",
                        Accelerator.KVM);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                Optional<Long> pid = running(name, pidFile);
                if (pid.isPresent() && Files.exists(socket) && (!name.equals("libvirtd") || answers())) {
                    LOG.info("started {} (pid {}); the lab stops it when it is torn down", name, pid.get());
                    return pid.get();
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot start " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted while starting " + name, e);
        }
        throw new SubstrateException(name + " did not come up within " + timeout.toSeconds() + " s (no " + socket + ")");
    }

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
