package io.kubermesh.boot.http;

import io.kubermesh.boot.lab.QemuVm;
import io.kubermesh.boot.lab.VmLab;
import io.kubermesh.boot.lab.VmLabExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real iPXE (Debian's {@code /boot/ipxe.lkrn}, under SeaBIOS in qemu) against kubermesh with no
 * DHCP at all: iPXE's own link-local address reaches the node's link-local address on the tap.
 * Its command line fetches a script over TFTP, which chains {@code boot.ipxe} over HTTP, then the
 * per-machine script, which loads the Debian kernel and busybox initramfs from the assets; the
 * guest prints the marker. This exercises iPXE's TFTP and HTTP clients over IPv6 link-local.
 */
@ExtendWith(VmLabExtension.class)
class IpxeLinkLocalBootIT {
    static final String NODE_LL = "fe80::5:1";
    static final String VM_MAC = "52:54:00:aa:00:0b";

    @Test
    void ipxeFetchesOverTftpAndHttpOnLinkLocalAndBootsTheInstaller(VmLab lab) throws Exception {
        Path lkrn = Path.of("/boot/ipxe.lkrn");
        assertThat(lkrn).as("apt-get install -y ipxe").exists();
        lab.inNetns("ip", "addr", "add", NODE_LL + "/64", "dev", VmLab.TAP, "nodad");
        lab.installerAssets();
        // the kernel gets a global URL: the Linux guest has no iPXE zone name for a link-local one
        lab.markerProfile(VM_MAC, lab.httpBase());
        Path tftp = Files.createDirectory(lab.dir().resolve("tftp"));
        Files.writeString(tftp.resolve("start.ipxe"), "#!ipxe\necho kubermesh-test: start.ipxe came over TFTP\n"
                + "chain http://[" + NODE_LL + "%net0]:" + VmLab.HTTP_PORT + "/boot.ipxe\n");
        lab.serve("tftp-root=" + tftp);
        lab.boot(QemuVm.ipxeKernel(lkrn, "ifopen net0 && chain tftp://[" + NODE_LL + "%net0]/start.ipxe", VmLab.TAP, VM_MAC));
        System.out.printf("iPXE link-local boot: marker after %.1f s%n", lab.awaitMarker(Duration.ofSeconds(300)));
        // a link-local client is named by the port served on its link (port 0 on the tap)
        assertThat(lab.serverLog()).contains("RRQ start.ipxe", "fe80:0:0:0:0:0:5:1%", "port cluster0: GET /boot.ipxe -> 200",
                "installer of profile marker for " + VM_MAC, "GET /assets/vmlinuz -> 200");
    }
}
