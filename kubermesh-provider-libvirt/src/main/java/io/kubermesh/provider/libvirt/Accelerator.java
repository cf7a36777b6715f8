package io.kubermesh.provider.libvirt;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.provider.libvirt.LibvirtOptions.Accel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * KVM or TCG. libvirt offers {@code <domain type='kvm'>} in its capabilities only when the user it
 * runs qemu as (libvirt-qemu on Debian) can open {@code /dev/kvm}; Debian makes the device
 * {@code root:kvm 0660} and puts libvirt-qemu in group kvm, but containers and some hosts leave it
 * root-only, and then KVM domains fail with "Permission denied" (libvirt 9.0 may even offer them
 * there: a libvirtd the substrate starts on such a host does not see the device at all, see
 * {@link LibvirtDaemons}). The substrate never changes the
 * device or {@code qemu.conf}: it uses TCG and says why, with what an operator could change. Where
 * libvirt offers KVM, {@link KvmFirmwareProbe} first runs OVMF under it for a few seconds: some
 * hosts' KVM cannot run it, and then the lab uses TCG too, saying so.
 *
 * @param kvm whether domains are {@code type='kvm'}
 * @param reason one line for the log and status: which, and why
 */
record Accelerator(boolean kvm, String reason) {
    static final Path KVM = Path.of("/dev/kvm");
    private static final Pattern X86_64_KVM = Pattern.compile(
            "<arch name='x86_64'>.*?<domain type='kvm'", Pattern.DOTALL);

    /**
     * Chooses from libvirt's capabilities XML, what {@code /dev/kvm} looks like and, when libvirt
     * offers KVM, whether KVM can run the firmware ({@code firmwareFailure}: empty when it can,
     * else why not; asked only then).
     */
    static Accelerator choose(Accel wanted, String capabilities, Supplier<Optional<String>> firmwareFailure) {
        boolean offered = X86_64_KVM.matcher(capabilities).find();
        if (wanted == Accel.TCG) {
            return new Accelerator(false, "TCG (libvirt.accel=tcg)");
        }
        if (offered) {
            Optional<String> failure = firmwareFailure.get();
            if (failure.isEmpty()) {
                return new Accelerator(true, "KVM (" + KVM + " is usable by qemu and runs OVMF)");
            }
            String why = "KVM on this host cannot run OVMF (qemu under KVM said: " + failure.get() + ")";
            if (wanted == Accel.KVM) {
                throw new EnvironmentException("libvirt.accel=kvm, but " + why,
                        "use libvirt.accel=auto or tcg, or a host whose KVM runs UEFI firmware");
            }
            return new Accelerator(false, "TCG, emulated and about 10x slower than KVM: " + why);
        }
        String why = whyNoKvm();
        if (wanted == Accel.KVM) {
            throw new EnvironmentException("libvirt.accel=kvm, but libvirt offers no KVM domains: " + why,
                    "fix /dev/kvm as said, or use libvirt.accel=auto or tcg");
        }
        return new Accelerator(false, "TCG, emulated and about 10x slower than KVM: " + why);
    }

    /**
     * Whether {@code /dev/kvm} exists and libvirt's qemu user ({@code libvirt-qemu}, in group
     * {@code kvm} on Debian) cannot open it for reading and writing: the device is neither its
     * own, nor group {@code kvm} with group read-write, nor read-write for others.
     */
    static boolean unusableByQemuUser() {
        if (!Files.exists(KVM, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try {
            PosixFileAttributes a = Files.readAttributes(KVM, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            var p = a.permissions();
            boolean others = p.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_READ)
                    && p.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_WRITE);
            boolean group = a.group().getName().equals("kvm") && p.contains(java.nio.file.attribute.PosixFilePermission.GROUP_READ)
                    && p.contains(java.nio.file.attribute.PosixFilePermission.GROUP_WRITE);
            boolean owner = a.owner().getName().equals("libvirt-qemu");
            return !(others || group || owner);
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    static String whyNoKvm() {
        if (!Files.exists(KVM, LinkOption.NOFOLLOW_LINKS)) {
            return KVM + " does not exist (no hardware virtualisation, or the kvm_intel/kvm_amd module is not loaded)";
        }
        try {
            PosixFileAttributes a = Files.readAttributes(KVM, PosixFileAttributes.class);
            return KVM + " is " + a.owner().getName() + ":" + a.group().getName() + " "
                    + PosixFilePermissions.toString(a.permissions())
                    + " and libvirt runs qemu as libvirt-qemu, which cannot open it; an operator may allow it with "
                    + "`chgrp kvm /dev/kvm && chmod 0660 /dev/kvm` (libvirt-qemu is in group kvm) and restart libvirtd";
        } catch (IOException | UnsupportedOperationException e) {
            return KVM + " cannot be inspected: " + e.getMessage();
        }
    }
}
