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
 * UEFI HTTP boot over IPv6: OVMF with PXE and IPv4 off takes its "UEFI HTTPv6" path, sends a
 * DHCPv6 Solicit with architecture 16 and vendor class "HTTPClient", and accepts only an offer
 * that echoes vendor class "HTTPClient" (enterprise 343) with option 59 an HTTP URL. It then
 * fetches snponly.efi from kubermesh's HTTP server, and iPXE continues as in the PXE path
 * (DHCPv6 as iPXE -> boot.ipxe -> kernel -> marker). TFTP is served too, and never asked.
 */
@ExtendWith(VmLabExtension.class)
class UefiHttpBootIT {
    static final String VM_MAC = "52:54:00:aa:00:0c";

    @Test
    void uefiHttpBootFetchesIpxeOverHttpThenBootsTheInstallerKernel(VmLab lab) throws Exception {
        lab.installer(VM_MAC);
        lab.serveWithDhcp6("tftp-root=/usr/lib/ipxe", "http-boot-files=/usr/lib/ipxe");
        lab.boot(QemuVm.uefiHttpBoot(QemuVm.ovmfVars(lab.dir()), VmLab.TAP, VM_MAC, UUID.randomUUID().toString()));
        double marker = lab.awaitMarker(Duration.ofSeconds(300));

        String log = lab.serverLog();
        String bootFile = "bootfile " + lab.httpBase() + "/snponly.efi vendor 343[HTTPClient]";
        assertThat(log).as("the firmware asked as an HTTP client and got the HTTP URL and the vendor class back")
                .contains("arch [16] vendor 343[HTTPClient:Arch:00016", "-> ADVERTISE", "-> REPLY", bootFile);
        assertThat(log).contains("GET /snponly.efi -> 200 (173792 bytes) boot file snponly.efi",
                "user-class [iPXE]", "GET /boot.ipxe -> 200", "installer of profile marker for " + VM_MAC,
                "GET /assets/vmlinuz -> 200");
        assertThat(log).as("no TFTP on the HTTP path").doesNotContain("RRQ");
        BootTimeline timeline = lab.timeline()
                .server("first Solicit (firmware, arch 16 HTTPClient)", "SOLICIT")
                .server("HTTP GET snponly.efi (firmware)", "GET /snponly.efi")
                .server("Solicit as iPXE", "user-class [iPXE]")
                .server("boot.ipxe (iPXE)", "GET /boot.ipxe")
                .server("kernel", "GET /assets/vmlinuz")
                .console("marker", "KUBERMESH-MARKER");
        assertThat(timeline.events()).hasSize(6);
        assertThat(timeline.events()).isSortedAccordingTo((a, b) -> Double.compare(a.seconds(), b.seconds()));
        System.out.printf("UEFI HTTP boot: marker after %.1f s%n%s", marker, timeline);
    }
}
