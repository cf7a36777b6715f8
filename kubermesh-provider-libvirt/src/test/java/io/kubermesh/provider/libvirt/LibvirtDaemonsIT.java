package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.MacAddress;
import io.kubermesh.spi.MachineSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The substrate starts virtlogd and libvirtd when they are not running and stops exactly those
 * at close; daemons it found running it leaves running. Which half this run checks depends on
 * the host (CI starts with neither running); both halves assert.
 */
class LibvirtDaemonsIT {
    private final LibvirtFixture fixture = LibvirtFixture.create();

    @BeforeAll
    static void environment() {
        LibvirtFixture.requireEnvironment();
    }

    @AfterEach
    void clean() {
        fixture.removeDirectories();
    }

    @Test
    void theSubstrateStopsOnlyTheDaemonsItStarted() {
        Optional<Long> libvirtdBefore = LibvirtDaemons.running("libvirtd", LibvirtDaemons.LIBVIRTD_PID);
        Optional<Long> virtlogdBefore = LibvirtDaemons.running("virtlogd", LibvirtDaemons.VIRTLOGD_PID);
        LibvirtSubstrate lab = LibvirtSubstrate.open(fixture.config(Map.of()));
        try {
            lab.addMachine(new MachineSpec("km-a", List.of(new MacAddress(0x5254_00cc_0100L)), true));
            lab.powerOn("km-a");
        } finally {
            long libvirtd = LibvirtDaemons.running("libvirtd", LibvirtDaemons.LIBVIRTD_PID).orElseThrow();
            long virtlogd = LibvirtDaemons.running("virtlogd", LibvirtDaemons.VIRTLOGD_PID).orElseThrow();
            lab.close();
            System.out.printf("libvirtd %s, virtlogd %s before the lab%n", libvirtdBefore.map(p -> "ran as " + p).orElse("was not running"),
                    virtlogdBefore.map(p -> "ran as " + p).orElse("was not running"));
            assertThat(LibvirtDaemons.alive(libvirtd)).isEqualTo(libvirtdBefore.isPresent());
            assertThat(LibvirtDaemons.alive(virtlogd)).isEqualTo(virtlogdBefore.isPresent());
            libvirtdBefore.ifPresent(p -> assertThat(libvirtd).isEqualTo(p));
        }
        assertThat(fixture.leftovers()).isEmpty();
    }

    /**
     * Where {@code /dev/kvm} exists but libvirt's qemu user cannot open it, the libvirtd the
     * substrate starts sees no {@code /dev/kvm} (its own mount namespace) while the host keeps
     * it, offers no KVM domain, and answers two capability lookups in a row from its cache: its
     * debug log has no "KVM was enabled when probing" (the re-probe on every lookup). Elsewhere it
     * starts as ever, and the hidden-KVM directory never appears.
     */
    @Test
    void anUnusableDevKvmIsHiddenFromTheLibvirtdTheSubstrateStarts() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(LibvirtDaemons.running("libvirtd", LibvirtDaemons.LIBVIRTD_PID).isEmpty(),
                "a libvirtd runs already: the substrate starts none");
        boolean hide = Accelerator.unusableByQemuUser();
        LibvirtDaemons.Started started = LibvirtDaemons.ensureRunning(java.time.Duration.ofSeconds(30));
        try {
            System.out.println("/dev/kvm " + (java.nio.file.Files.exists(Accelerator.KVM) ? "exists" : "does not exist")
                    + (hide ? ", unusable by libvirt-qemu: hidden from libvirtd" : ""));
            java.nio.file.Path inside = java.nio.file.Path.of("/proc", Long.toString(started.libvirtd()), "root", "dev");
            assertThat(java.nio.file.Files.exists(inside.resolve("null"))).isTrue();
            assertThat(java.nio.file.Files.isDirectory(inside.resolve("pts"))).isTrue();
            assertThat(java.nio.file.Files.exists(LibvirtDaemons.HIDDEN_KVM)).isEqualTo(hide);
            if (hide) {
                assertThat(java.nio.file.Files.exists(Accelerator.KVM)).isTrue();
                assertThat(java.nio.file.Files.exists(inside.resolve("kvm"))).isFalse();
                java.nio.file.Path debug = java.nio.file.Files.createTempFile("km-libvirtd-debug-", ".log");
                try {
                    LibvirtFixture.run(30, "virt-admin", "daemon-log-outputs", "1:file:" + debug);
                    LibvirtFixture.run(30, "virt-admin", "daemon-log-filters", "1:qemu.qemu_capabilities");
                    String caps = "";
                    for (int i = 0; i < 2; i++) {
                        caps = LibvirtFixture.run(60, "virsh", "-c", "qemu:///system", "capabilities");
                    }
                    assertThat(caps).doesNotContain("<domain type='kvm'");
                    assertThat(java.nio.file.Files.readString(debug)).doesNotContain("KVM was enabled when probing");
                } finally {
                    java.nio.file.Files.deleteIfExists(debug);
                }
            }
        } finally {
            LibvirtDaemons.stop(started.libvirtd(), "libvirtd");
            LibvirtDaemons.stop(started.virtlogd(), "virtlogd");
        }
        assertThat(java.nio.file.Files.exists(LibvirtDaemons.HIDDEN_KVM)).isFalse();
    }
}
