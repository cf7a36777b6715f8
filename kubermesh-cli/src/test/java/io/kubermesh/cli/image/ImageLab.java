package io.kubermesh.cli.image;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.lab.Exec;
import io.kubermesh.boot.lab.QemuVm;
import io.kubermesh.image.build.ImageResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a node OS IT shares: the network namespace {@code kmimg-NAME} (the VMs' qemu processes and
 * the test's taps live in it, never on this host's network), a directory under
 * {@code target/it-labs/NAME} for disks, firmware variables and sockets, and the VMs. {@link #close}
 * stops every VM and process by its handle, then deletes the namespace and what it holds.
 */
final class ImageLab implements AutoCloseable {
    static final String OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd";
    static final AddressPlan SEED = new AddressPlan(ClusterConfig.seed());
    /** Console lines that end a wait early: the node's visible failures and firmware dead ends. */
    static final String[] FAILURES = {"kubermesh-setup: FAILED", "Kernel panic", "No bootable device",
            "UEFI Interactive Shell", "Failed to start kubermesh"};

    final String name;
    final String netns;
    final Path dir;
    private final List<QemuVm> vms = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();

    ImageLab(String name) throws IOException {
        this.name = name;
        this.netns = "kmimg-" + name;
        this.dir = Path.of("target/it-labs", name).toAbsolutePath();
        Exec.require("ip", "iproute2");
        Exec.require("qemu-system-x86_64", "qemu-system-x86");
        Exec.run(20, "ip", "netns", "del", netns);
        deleteTree(dir);
        Files.createDirectories(dir);
        Exec.run(20, "ip", "netns", "add", netns).orThrow();
        inNetns("ip", "link", "set", "lo", "up");
        System.out.println(name + ": qemu accelerator " + Vms.accelerator()
                + (Vms.accelerator().equals("tcg") ? " (no /dev/kvm that opens, or a KVM that cannot run OVMF)" : ""));
    }

    void inNetns(String... command) {
        Exec.inNetns(netns, 30, command).orThrow();
    }

    /** A tap in the namespace, up, with this MAC on the host side. */
    String tap(String tap, String mac) {
        inNetns("ip", "tuntap", "add", "dev", tap, "mode", "tap");
        inNetns("ip", "link", "set", tap, "address", mac);
        inNetns("sysctl", "-q", "-w", "net.ipv6.conf." + tap + ".accept_dad=0");
        inNetns("ip", "link", "set", tap, "up");
        return tap;
    }

    /** A private copy of a file (a disk image, the OVMF variables) in this lab's directory. */
    Path copy(Path source, String as) throws IOException {
        return Files.copy(source, dir.resolve(as), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** A UEFI machine's firmware: its own copy {@code vars} of OVMF's variable store, 2 GiB, a random UUID. */
    List<String> uefi(String vars) throws IOException {
        return Vms.uefi(copy(Path.of(OVMF_VARS), vars), 2048, UUID.randomUUID().toString());
    }

    /**
     * The first machine of the netboot ITs: OVMF booting a copy of the USB image, with {@code nics}
     * (its cables); returns once its agent has taken its planned identity (at most ten minutes).
     */
    @SafeVarargs
    final QemuVm bootFirst(ImageResult image, String mac, List<String>... nics) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(uefi("vars-first.fd"));
        args.addAll(Vms.disk("d0", copy(image.usbImage(), "usb.img"), 1));
        for (List<String> nic : nics) {
            args.addAll(nic);
        }
        QemuVm first = boot("first", args);
        await(first, "kubermesh agent km-first: identity " + mac + ", host " + SEED.node(MacAddress.parse(mac)).host(),
                Duration.ofMinutes(10));
        return first;
    }

    QemuVm boot(String vm, List<String> args) {
        QemuVm v = QemuVm.start(netns, Path.of("target/it-logs", name + "-" + vm + "-console.log"), args);
        vms.add(v);
        return v;
    }

    /** Powers a VM off (kills its qemu). */
    void powerOff(QemuVm vm) {
        vm.close();
        vms.remove(vm);
    }

    /** Starts a process in the namespace; stopped by {@link #close}. */
    Process start(Path log, String... command) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of(command));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    /** Waits for a console line with {@code text}; fails with the console when a failure line or the end comes first. */
    static String await(QemuVm vm, String text, Duration timeout) throws InterruptedException {
        String[] all = new String[FAILURES.length + 1];
        all[0] = text;
        System.arraycopy(FAILURES, 0, all, 1, FAILURES.length);
        Optional<String> line = vm.awaitAny(timeout, all);
        assertThat(line.filter(l -> l.contains(text))).as("waiting %.0f s for '%s'; console:%n%s", timeout.toSeconds() * 1.0,
                text, tail(vm.consoleText())).isPresent();
        return line.get();
    }

    static String tail(String text) {
        return text.length() > 12000 ? "..." + text.substring(text.length() - 12000) : text;
    }

    static MacAddress mac(String text) {
        return MacAddress.parse(text);
    }

    @Override
    public void close() {
        for (QemuVm v : List.copyOf(vms)) {
            v.close();
        }
        for (Process p : processes) {
            p.destroy();
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        // Whatever the processes left in the namespace (a routing daemon, etcd) was started by this test.
        for (String pid : Exec.run(20, "ip", "netns", "pids", netns).output().split("\\s+")) {
            if (!pid.isBlank()) {
                Exec.run(10, "kill", "-9", pid.strip());
            }
        }
        Exec.run(20, "ip", "netns", "del", netns);
        try {
            deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var s = Files.walk(p)) {
            for (Path x : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(x);
            }
        }
    }
}
