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
        return args(base("pc", 512), List.of("-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", append),
                nic(tap, mac, ",romfile="));
    }

    /**
     * Arguments for booting an iPXE Linux-kernel image ({@code /boot/ipxe.lkrn}) with an iPXE
     * command line, under SeaBIOS, the NIC with no option ROM of its own.
     */
    public static List<String> ipxeKernel(Path lkrn, String ipxeCommands, String tap, String mac) {
        return args(base("pc", 512), List.of("-kernel", lkrn.toString(), "-append", ipxeCommands), nic(tap, mac, ",romfile="));
    }

    /**
     * Arguments for a UEFI PXE boot: q35, the OVMF 4M pflash pair ({@code vars} is a private copy
     * of OVMF_VARS_4M.fd), IPv4 PXE off so firmware boots over IPv6, the NIC first in boot order
     * with no option ROM (OVMF's own network stack), a distinct SMBIOS UUID.
     */
    public static List<String> uefiNetBoot(Path vars, String tap, String mac, String uuid) {
        return args(ovmf(vars, uuid), List.of("-fw_cfg", "name=opt/org.tianocore/IPv4PXESupport,string=n"),
                nic(tap, mac, ",romfile=,bootindex=1"));
    }

    /**
     * Arguments for a UEFI HTTP boot over IPv6: as {@link #uefiNetBoot}, but with both PXE boot
     * options and the IPv4 stack off, so the only network boot option left is OVMF's "UEFI HTTPv6"
     * (HttpBootDxe). The IPv4 stack must go, not only IPv4 PXE: "UEFI HTTPv4" comes first in the
     * boot order and waits about a minute for a DHCPv4 server before giving up. The boot menu wait
     * ({@code -boot menu=on,splash-time=5000}, OVMF's boot timeout) lets the NIC's link-local
     * address finish duplicate address detection (one probe after a random delay of up to a
     * second, then a second of waiting): OVMF 2022.11 starts HTTP boot within milliseconds of
     * binding the IPv6 stack, and if the address is still tentative its DHCPv6 start fails at once
     * ("Unexpected network error", no Solicit sent; a reset does not help, every boot is the
     * same). Measured here: no wait failed 3 of 3 boots, a 2 s wait failed 1 of 6 under load.
     * UEFI PXE (UefiPxeBcDxe) retries after DAD itself and needs no wait.
     */
    public static List<String> uefiHttpBoot(Path vars, String tap, String mac, String uuid) {
        return args(ovmf(vars, uuid), List.of("-boot", "menu=on,splash-time=5000",
                        "-fw_cfg", "name=opt/org.tianocore/IPv4Support,string=n",
                        "-fw_cfg", "name=opt/org.tianocore/IPv4PXESupport,string=n",
                        "-fw_cfg", "name=opt/org.tianocore/IPv6PXESupport,string=n"),
                nic(tap, mac, ",romfile=,bootindex=1"));
    }

    /**
     * Arguments for a legacy BIOS network boot: SeaBIOS ({@code -machine pc -boot n}) runs the
     * NIC's default option ROM, which in Debian is iPXE from the ipxe-qemu package
     * ({@code /usr/lib/ipxe/qemu/efi-virtio.rom} for virtio-net-pci).
     */
    public static List<String> biosNetBoot(String tap, String mac, String uuid) {
        Path rom = Path.of("/usr/lib/ipxe/qemu/efi-virtio.rom");
        if (!Files.exists(rom)) {
            throw new AssertionError(rom + " missing: apt-get install -y ipxe-qemu");
        }
        return args(base("pc", 512), List.of("-boot", "n", "-uuid", uuid), nic(tap, mac, ""));
    }

    /** TCG, one CPU, serial console on stdio, no monitor, exit instead of rebooting. */
    private static List<String> base(String machine, int megabytes) {
        return List.of("-machine", machine, "-accel", "tcg", "-m", Integer.toString(megabytes), "-smp", "1", "-nographic",
                "-serial", "stdio", "-monitor", "none", "-no-reboot");
    }

    private static List<String> ovmf(Path vars, String uuid) {
        Path code = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
        if (!Files.exists(code)) {
            throw new AssertionError(code + " missing: apt-get install -y ovmf");
        }
        return args(base("q35", 1024), List.of("-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                "-drive", "if=pflash,format=raw,file=" + vars, "-uuid", uuid));
    }

    /** A virtio NIC with {@code mac} on {@code tap}; {@code options} are appended to the device. */
    private static List<String> nic(String tap, String mac, String options) {
        return List.of("-netdev", "tap,id=n0,ifname=" + tap + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + mac + options);
    }

    @SafeVarargs
    private static List<String> args(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return List.copyOf(all);
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
