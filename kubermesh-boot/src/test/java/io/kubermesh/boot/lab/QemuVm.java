package io.kubermesh.boot.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A qemu-system-x86_64 VM (TCG) run in a network namespace, its serial console on stdio, copied
 * line by line to a log file. Close kills it by its PID.
 */
public final class QemuVm implements AutoCloseable {
    private final Process process;
    private final Path console;
    private final List<String> lines = new ArrayList<>();
    private final long started = System.nanoTime();

    private QemuVm(Process process, Path console) {
        this.process = process;
        this.console = console;
        Thread pump = new Thread(this::pump, "qemu-console");
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code qemu-system-x86_64 args...} inside {@code netns}. */
    public static QemuVm start(String netns, Path console, List<String> args) {
        Exec.require("qemu-system-x86_64", "qemu-system-x86");
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns, "qemu-system-x86_64"));
        cmd.addAll(args);
        try {
            Files.createDirectories(console.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            return new QemuVm(p, console);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Arguments for a direct kernel boot: TCG, serial on stdio, one virtio NIC on a tap. */
    public static List<String> directKernel(Path kernel, Path initrd, String append, String tap, String mac) {
        return List.of("-accel", "tcg", "-m", "512", "-smp", "1", "-nographic", "-serial", "stdio", "-monitor", "none",
                "-no-reboot", "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", append,
                "-netdev", "tap,id=n0,ifname=" + tap + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + mac);
    }

    /**
     * Arguments for a UEFI network boot: q35, the OVMF 4M pflash pair ({@code vars} is a private
     * copy of OVMF_VARS_4M.fd), IPv4 PXE off so firmware boots over IPv6, the NIC first in boot
     * order with no option ROM (OVMF's own network stack), a distinct SMBIOS UUID.
     */
    public static List<String> uefiNetBoot(Path vars, String tap, String mac, String uuid) {
        Path code = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
        if (!Files.exists(code)) {
            throw new AssertionError(code + " missing: apt-get install -y ovmf");
        }
        return List.of("-machine", "q35", "-accel", "tcg", "-m", "1024", "-smp", "1", "-nographic", "-serial", "stdio",
                "-monitor", "none", "-no-reboot",
                "-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                "-drive", "if=pflash,format=raw,file=" + vars,
                "-fw_cfg", "name=opt/org.tianocore/IPv4PXESupport,string=n",
                "-uuid", uuid,
                "-netdev", "tap,id=n0,ifname=" + tap + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + mac + ",romfile=,bootindex=1");
    }

    /** A private copy of OVMF_VARS_4M.fd for one VM. */
    public static Path ovmfVars(Path dir) {
        Path src = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");
        if (!Files.exists(src)) {
            throw new AssertionError(src + " missing: apt-get install -y ovmf");
        }
        try {
            return Files.copy(src, dir.resolve("OVMF_VARS_4M.fd"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void pump() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             var w = Files.newBufferedWriter(console)) {
            String line;
            while ((line = r.readLine()) != null) {
                double t = (System.nanoTime() - started) / 1e9;
                w.write(String.format(java.util.Locale.ROOT, "[%7.3f] %s", t, line));
                w.newLine();
                w.flush();
                synchronized (lines) {
                    lines.add(line);
                    lines.notifyAll();
                }
            }
        } catch (IOException e) {
            // VM gone
        }
        synchronized (lines) {
            lines.add("\0EOF");
            lines.notifyAll();
        }
    }

    /** Waits for a console line containing {@code text}; empty when the VM ends or time runs out first. */
    public Optional<String> await(String text, Duration timeout) throws InterruptedException {
        return awaitAny(timeout, text);
    }

    /** Waits for a console line containing any of {@code texts} (success or a known failure). */
    public Optional<String> awaitAny(Duration timeout, String... texts) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int seen = 0;
        synchronized (lines) {
            while (true) {
                for (; seen < lines.size(); seen++) {
                    String l = lines.get(seen);
                    if (l.equals("\0EOF")) {
                        return Optional.empty();
                    }
                    for (String text : texts) {
                        if (l.contains(text)) {
                            return Optional.of(l);
                        }
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return Optional.empty();
                }
                lines.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** Seconds since start. */
    public double elapsed() {
        return (System.nanoTime() - started) / 1e9;
    }

    public String consoleText() {
        try {
            return Files.readString(console);
        } catch (IOException e) {
            return "";
        }
    }

    public boolean waitForExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
