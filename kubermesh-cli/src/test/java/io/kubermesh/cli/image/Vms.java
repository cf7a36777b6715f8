package io.kubermesh.cli.image;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * qemu arguments for the node OS ITs, on top of the boot ITs' {@link io.kubermesh.boot.lab.QemuVm}
 * (which runs and watches the VM): KVM when {@code /dev/kvm} opens, TCG otherwise; UEFI (OVMF) or
 * legacy BIOS; virtio disks and NICs; links between VMs as qemu datagram sockets (no host network
 * involved); the agent's virtio-serial control port.
 */
final class Vms {
    static final String OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd";

    private Vms() {
    }

    private static String accelerator;

    /**
     * {@code kvm} when /dev/kvm is a character device that opens read-write and KVM runs OVMF
     * (the libvirt substrate's {@code KvmFirmwareProbe}: this CI host's nested KVM opens but
     * stops OVMF at once with "KVM internal error ... emulation failure"), else {@code tcg}.
     */
    static synchronized String accelerator() {
        if (accelerator == null) {
            accelerator = deviceOpens().equals("kvm") && io.kubermesh.provider.libvirt.KvmFirmwareProbe.failure(
                    Path.of(OVMF_CODE), Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd")).isEmpty() ? "kvm" : "tcg";
        }
        return accelerator;
    }

    private static String deviceOpens() {
        Path kvm = Path.of("/dev/kvm");
        try {
            int mode = (Integer) Files.getAttribute(kvm, "unix:mode");
            if ((mode & 0170000) != 0020000) {
                return "tcg";
            }
            try (RandomAccessFile f = new RandomAccessFile(kvm.toFile(), "rw")) {
                return "kvm";
            }
        } catch (Exception e) {
            return "tcg";
        }
    }

    /**
     * A q35 UEFI machine: OVMF with its own variable store, serial console on stdio, 2 vCPUs, and no
     * display adapter: with QEMU's default VGA the firmware hands Linux a 1280x800 frame buffer
     * whose console redraws the whole screen for every line the kernel and the node print,
     * seconds of emulated memory writes per boot under TCG, for a screen nobody looks at (the
     * libvirt substrate's machines have none either).
     */
    static List<String> uefi(Path vars, int megabytes, String uuid) {
        if (!Files.exists(Path.of(OVMF_CODE))) {
            throw new AssertionError(OVMF_CODE + " missing: apt-get install -y ovmf");
        }
        return List.of("-machine", "q35", "-accel", accelerator(), "-m", Integer.toString(megabytes), "-smp", "2",
                "-nographic", "-vga", "none", "-serial", "stdio", "-monitor", "none", "-no-reboot", "-uuid", uuid,
                "-drive", "if=pflash,format=raw,readonly=on,file=" + OVMF_CODE, "-drive", "if=pflash,format=raw,file=" + vars);
    }

    /** A SeaBIOS pc machine. */
    static List<String> bios(int megabytes, String uuid) {
        return List.of("-machine", "pc", "-accel", accelerator(), "-m", Integer.toString(megabytes), "-smp", "2",
                "-nographic", "-serial", "stdio", "-monitor", "none", "-no-reboot", "-uuid", uuid);
    }

    /** A raw virtio disk with a boot index (0: none). */
    static List<String> disk(String id, Path file, int bootIndex) {
        return List.of("-drive", "if=none,id=" + id + ",format=raw,file=" + file,
                "-device", "virtio-blk-pci,drive=" + id + (bootIndex > 0 ? ",bootindex=" + bootIndex : ""));
    }

    /** A virtio NIC on a tap; {@code options} appended to the device. */
    static List<String> tapNic(String id, String tap, String mac, String options) {
        return List.of("-netdev", "tap,id=" + id + ",ifname=" + tap + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=" + id + ",mac=" + mac + options);
    }

    /**
     * A virtio NIC cabled to another VM's: a datagram socket pair on Unix socket files, so either
     * end can be powered off and on while the other runs, like a cable between two machines.
     */
    static List<String> cableNic(String id, Path local, Path remote, String mac, String options) {
        return List.of("-netdev", "dgram,id=" + id + ",local.type=unix,local.path=" + local + ",remote.type=unix,remote.path="
                        + remote, "-device", "virtio-net-pci,netdev=" + id + ",mac=" + mac + options);
    }

    /** The agent's control port (/dev/virtio-ports/io.kubermesh.agent.0) as a Unix socket on the host. */
    static List<String> agentPort(Path socket) {
        return List.of("-device", "virtio-serial", "-chardev", "socket,id=kmagent,path=" + socket + ",server=on,wait=off",
                "-device", "virtserialport,chardev=kmagent,name=io.kubermesh.agent.0");
    }

    /** A sparse, empty raw disk. */
    static Path blankDisk(Path file, long bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

    @SafeVarargs
    static List<String> args(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return List.copyOf(all);
    }
}
