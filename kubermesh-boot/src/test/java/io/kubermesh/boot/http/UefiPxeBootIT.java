package io.kubermesh.boot.http;

import io.kubermesh.boot.lab.QemuVm;
import io.kubermesh.boot.lab.VmLab;
import io.kubermesh.boot.lab.VmLabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The full firmware path: OVMF (UEFI PXE over IPv6) -> snponly.efi over TFTP -> boot.ipxe over
 * HTTP -> per-machine script -> Debian kernel + busybox initramfs -> marker. Router
 * advertisements, DHCPv6, TFTP and HTTP run in one server process, as port 0 of the node: only
 * kubermesh serves on the tap. The loaders come from {@code /usr/lib/ipxe} (Debian's), or from
 * {@code -Dkubermesh.ipxe.root=DIR}: kubermesh-benchmarks' ipxe-bench.sh boots kubermesh's IPv6-first
 * iPXE (the {@code netboot/ipxe/} of {@code image build --ipxe-source}) this way, against Debian's.
 */
@ExtendWith(VmLabExtension.class)
class UefiPxeBootIT {
    static final String VM_MAC = "52:54:00:aa:00:0a";

    @Test
    void uefiPxeChainsToIpxeThenBootsTheInstallerKernel(VmLab lab) throws Exception {
        lab.installer(VM_MAC);
        Path loaders = Path.of(System.getProperty("kubermesh.ipxe.root", "/usr/lib/ipxe"));
        boolean ours = new String(Files.readAllBytes(loaders.resolve("snponly.efi")), StandardCharsets.ISO_8859_1)
                .contains("kubermesh iPXE: IPv6 first");
        lab.serveWithDhcp6("tftp-root=" + loaders);
        QemuVm vm = lab.boot(QemuVm.uefiNetBoot(QemuVm.ovmfVars(lab.dir()), VmLab.TAP, VM_MAC, UUID.randomUUID().toString()));
        double marker = lab.awaitMarker(Duration.ofSeconds(300));
        assertThat(lab.serverLog()).contains("arch [7]", "bootfile tftp://", "RRQ snponly.efi", "GET /boot.ipxe -> 200",
                "installer of profile marker");
        if (ours) { // its script ran: no DHCPv4 wait before boot.ipxe
            assertThat(vm.consoleText()).contains("kubermesh iPXE: IPv6 first").doesNotContain("trying every configurator");
        }
        System.out.printf("UEFI PXE boot (%s iPXE from %s): marker after %.1f s%n%s", ours ? "kubermesh's" : "Debian's",
                loaders, marker, lab.timeline()
                .server("first Solicit (firmware, arch 7)", "SOLICIT").server("TFTP RRQ snponly.efi", "RRQ snponly.efi")
                .server("iPXE's DHCPv6 (boot file boot.ipxe)", "8080/boot.ipxe")
                .server("boot.ipxe (iPXE)", "GET /boot.ipxe").server("kernel", "GET /assets/vmlinuz")
                .console("marker", "KUBERMESH-MARKER"));
    }
}
