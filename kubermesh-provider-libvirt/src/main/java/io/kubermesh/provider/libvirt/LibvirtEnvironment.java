package io.kubermesh.provider.libvirt;

import io.kubermesh.api.EnvironmentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a host needs to run the libvirt substrate, each with the Debian package that brings it,
 * so a missing piece is reported with the one {@code apt-get install} line that fixes all of them.
 */
final class LibvirtEnvironment {
    /** The Debian packages, as {@code scripts/setup.sh} lists them for {@code up --substrate libvirt}. */
    static final String PACKAGES = "libvirt-daemon-system libvirt-clients qemu-system-x86 ovmf";

    private LibvirtEnvironment() {
    }

    /** Throws naming everything missing, or returns if this host can run the substrate. */
    static void check() {
        if (!isRoot()) {
            throw new EnvironmentException("the libvirt substrate drives the system libvirtd, starts it when it is not "
                    + "running and tunes its bridges, and needs root", "run the command as root (sudo)");
        }
        Map<Path, String> needed = new LinkedHashMap<>();
        needed.put(LibvirtDaemons.LIBVIRTD, "libvirt-daemon");
        needed.put(LibvirtDaemons.VIRTLOGD, "libvirt-daemon");
        needed.put(Path.of("/usr/bin/virsh"), "libvirt-clients");
        needed.put(Path.of("/usr/bin/qemu-system-x86_64"), "qemu-system-x86");
        needed.put(LibvirtOptions.OVMF_CODE, "ovmf");
        needed.put(LibvirtOptions.OVMF_VARS, "ovmf");
        List<String> missing = new ArrayList<>();
        needed.forEach((path, pkg) -> {
            if (!Files.exists(path)) {
                missing.add(path + " (" + pkg + ")");
            }
        });
        if (!hasUser("libvirt-qemu")) {
            missing.add("the libvirt-qemu user qemu runs as (libvirt-daemon-system)");
        }
        try {
            Class.forName("org.libvirt.Library", true, LibvirtEnvironment.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            missing.add("the libvirt C library libvirt.so.0 (libvirt0): " + e);
        }
        if (!missing.isEmpty()) {
            throw new EnvironmentException("the libvirt substrate needs " + String.join(", ", missing),
                    "apt-get install -y " + PACKAGES + "; then " + LibvirtDaemons.howToStart()
                            + " (the substrate starts them itself when they are not running)");
        }
        checkKvmPath();
    }

    /**
     * A {@code /dev/kvm} that is a plain file (left by a program that opened the path for writing
     * where no KVM device exists) stops every domain: libvirt bind-mounts each device path that
     * exists into the VM's private {@code /dev} and fails on it with "Unable to move ... mount to
     * /dev/kvm". It is not a device, so removing it loses nothing.
     */
    static void checkKvmPath() {
        Path kvm = Accelerator.KVM;
        if (Files.exists(kvm, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try {
                int mode = (Integer) Files.getAttribute(kvm, "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS);
                if ((mode & 0170000) != 0020000) {
                    throw new EnvironmentException(kvm + " is not the KVM character device but a plain file or link; "
                            + "libvirt cannot start any VM while it is there (it bind-mounts it into each VM's /dev)",
                            "rm " + kvm + " (it is no device; load kvm_intel or kvm_amd for a real one)");
                }
            } catch (IOException | UnsupportedOperationException e) {
                throw new EnvironmentException("cannot inspect " + kvm + ": " + e.getMessage(), "check " + kvm);
            }
        }
    }

    static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[1].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean hasUser(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/passwd")).stream().anyMatch(l -> l.startsWith(user + ":"));
        } catch (IOException e) {
            return false;
        }
    }
}
