package io.kubermesh.cli.image;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the node OS ITs' VMs run with: KVM when {@code /dev/kvm} opens and runs OVMF, TCG otherwise; blank disks. */
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

    /** A sparse, empty raw disk. */
    static Path blankDisk(Path file, long bytes) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(bytes);
        }
        return file;
    }

}
