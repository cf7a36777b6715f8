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
}
