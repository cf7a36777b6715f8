package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.MachineSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the VMs' real firmware shows about the substrate: OVMF's DHCPv6 Solicits cross a cable to
 * the machine at its other end and follow the cable when it is moved; with no cable the firmware
 * sees no carrier; a disk that holds a boot loader boots before the network, across power cycles.
 */
class LibvirtFirmwareIT {
    private static LibvirtDaemons.Started daemons;
    private final LibvirtFixture fixture = LibvirtFixture.create();
    private LibvirtSubstrate lab;

    @BeforeAll
    static void environment() {
        LibvirtFixture.requireEnvironment();
        daemons = LibvirtDaemons.ensureRunning(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stopDaemons() {
        LibvirtDaemons.stop(daemons.libvirtd(), "libvirtd");
        LibvirtDaemons.stop(daemons.virtlogd(), "virtlogd");
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
        List<String> left = fixture.leftovers();
        fixture.removeDirectories();
        assertThat(left).isEmpty();
    }

    private static MachineSpec blank(String name, int seed) {
        return new MachineSpec(name, List.of(new MacAddress(0x5254_00aa_0000L | ((long) seed << 8))), true);
    }

    private static String solicitFrom(MachineSpec m) {
        return "ether src " + m.nics().get(0) + " and ip6 and udp dst port 547";
    }

    @Test
    void firmwareSolicitsCrossTheCableAndFollowItWhenItIsMoved() {
        lab = LibvirtSubstrate.open(fixture.config(Map.of()));
        MachineSpec a = blank("km-a", 1);
        MachineSpec b = blank("km-b", 2);
        MachineSpec c = blank("km-c", 3);
        for (MachineSpec m : List.of(a, b, c)) {
            lab.addMachine(m);
        }
        PortRef a0 = new PortRef("km-a", 0);
        lab.cable(a0, new PortRef("km-b", 0));
        lab.powerOn("km-b");
        lab.powerOn("km-c");
        // what the bridge hands to b's tap is what b's NIC receives
        try (Capture toB = Capture.start(null, "kmlv-m2p0", solicitFrom(a))) {
            lab.powerOn("km-a");
            assertThat(toB.await(180)).contains("dhcp6 solicit");
        }
        assertThat(lab.linkUp(a0)).isTrue();
        assertThat(lab.linkUp(new PortRef("km-b", 0))).isTrue();

        lab.cut(a0, new PortRef("km-b", 0));
        assertThat(lab.linkUp(a0)).isFalse();
        assertThat(lab.linkUp(new PortRef("km-b", 0))).isFalse();
        lab.cable(a0, new PortRef("km-c", 0));
        try (Capture toC = Capture.start(null, "kmlv-m3p0", solicitFrom(a))) {
            assertThat(toC.await(240)).contains("dhcp6 solicit");
        }
    }

    @Test
    void withoutACableTheFirmwareSeesNoCarrierAndRetriesForever() throws Exception {
        lab = LibvirtSubstrate.open(fixture.config(Map.of()));
        lab.addMachine(blank("km-a", 1));
        List<String> console = new CopyOnWriteArrayList<>();
        try (AutoCloseable tail = lab.console("km-a", console::add)) {
            lab.powerOn("km-a");
            awaitLine(console, "Could not detect network connection", 0, 180);
            int reset = awaitLine(console, "kubermesh: the firmware found nothing to boot", 0, 180);
            // after the reset the firmware starts over with the disk
            awaitLine(console, "BdsDxe: failed to load Boot0001", reset + 1, 180);
        }
    }

    @Test
    void aDiskWithABootLoaderBootsBeforeTheNetworkAfterAPowerCycle() throws Exception {
        lab = LibvirtSubstrate.open(fixture.config(Map.of()));
        MachineSpec a = blank("km-a", 1);
        lab.addMachine(a);
        lab.powerOn("km-a");
        lab.powerOff("km-a");
        Path disk = new LabFiles(fixture.lastDirectory()).disk("km-a");
        Path nvram = new LabFiles(fixture.lastDirectory()).nvram("km-a");
        assertThat(nvram).exists();
        // "install" a boot loader on the powered-off machine's disk: iPXE as the removable-media path
        LibvirtFixture.run(60, "mkfs.vfat", "-F", "32", disk.toString());
        LibvirtFixture.run(30, "mmd", "-i", disk.toString(), "::/EFI", "::/EFI/BOOT");
        LibvirtFixture.run(30, "mcopy", "-i", disk.toString(), "/usr/lib/ipxe/ipxe.efi", "::/EFI/BOOT/BOOTX64.EFI");
        long size = Files.size(disk);
        List<String> console = new CopyOnWriteArrayList<>();
        try (AutoCloseable tail = lab.console("km-a", console::add)) {
            Thread.sleep(500);
            int before = console.size();
            lab.powerOn("km-a");
            int ipxe = awaitLine(console, "iPXE initialising devices", before, 180);
            assertThat(console.subList(before, ipxe)).noneMatch(l -> l.contains("Start PXE over"));
        }
        assertThat(Files.size(disk)).isEqualTo(size);
    }

    /** The index of the first line from {@code from} on that contains {@code text}. */
    private static int awaitLine(List<String> console, String text, int from, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (int i = from; i < console.size(); i++) {
                if (console.get(i).contains(text)) {
                    return i;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the console never showed '" + text + "' within " + seconds + " s; it has:\n"
                + String.join("\n", console.subList(Math.max(0, console.size() - 30), console.size())));
    }
}
