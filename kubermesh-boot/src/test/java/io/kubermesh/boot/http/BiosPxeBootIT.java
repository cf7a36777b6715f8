package io.kubermesh.boot.http;

import io.kubermesh.boot.lab.BootTimeline;
import io.kubermesh.boot.lab.QemuVm;
import io.kubermesh.boot.lab.VmLab;
import io.kubermesh.boot.lab.VmLabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Legacy BIOS: SeaBIOS ({@code -machine pc -boot n}) runs the virtio NIC's default option ROM,
 * Debian's iPXE from ipxe-qemu. That iPXE is built with IPv6: it configures itself from
 * kubermesh's router advertisement (M flag) and DHCPv6, where it presents architecture 0 and user
 * class "iPXE", so it gets {@code boot.ipxe} over HTTP at once (the user class breaks the
 * chain-load loop before architecture 0 would send it to undionly.kpxe), then the kernel and the
 * marker. No TFTP is involved.
 */
@ExtendWith(VmLabExtension.class)
class BiosPxeBootIT {
    static final String VM_MAC = "52:54:00:aa:00:0d";

    @Test
    void seabiosRunsTheIpxeRomWhichBootsTheInstallerOverIpv6(VmLab lab) throws Exception {
        lab.installer(VM_MAC);
        lab.serveWithDhcp6("tftp-root=/usr/lib/ipxe");
        var vm = lab.boot(QemuVm.biosNetBoot(VmLab.TAP, VM_MAC, UUID.randomUUID().toString()));
        double marker = lab.awaitMarker(Duration.ofSeconds(300));

        assertThat(vm.consoleText()).as("SeaBIOS ran the iPXE option ROM").contains("SeaBIOS", "iPXE (PCI 00:03.0) starting execution");
        String log = lab.serverLog();
        assertThat(log).contains("arch [0] user-class [iPXE]", "bootfile " + lab.httpBase() + "/boot.ipxe",
                "GET /boot.ipxe -> 200", "buildarch=i386", "installer of profile marker for " + VM_MAC,
                "GET /assets/vmlinuz -> 200");
        assertThat(log).doesNotContain("RRQ");
        BootTimeline timeline = lab.timeline()
                .console("iPXE ROM starts", "starting execution")
                .server("first Solicit (iPXE ROM, arch 0)", "SOLICIT")
                .server("boot.ipxe (iPXE)", "GET /boot.ipxe")
                .server("kernel", "GET /assets/vmlinuz")
                .console("marker", "KUBERMESH-MARKER");
        assertThat(timeline.events()).hasSize(5);
        System.out.printf("BIOS boot: marker after %.1f s%n%s", marker, timeline);
    }
}
