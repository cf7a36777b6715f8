package io.kubermesh.boot.http;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.lab.BusyboxInitramfs;
import io.kubermesh.boot.lab.DebianKernel;
import io.kubermesh.boot.lab.JavaProcess;
import io.kubermesh.boot.lab.LabPorts;
import io.kubermesh.boot.lab.LabServerMain;
import io.kubermesh.boot.lab.NetnsLab;
import io.kubermesh.boot.lab.QemuVm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Real iPXE (Debian's {@code /boot/ipxe.lkrn}, under SeaBIOS in qemu) against kubermesh with no
 * DHCP at all: iPXE's own link-local address reaches the node's link-local address on the tap.
 * Its command line fetches a script over TFTP, which chains {@code boot.ipxe} over HTTP, then the
 * per-machine script, which loads the Debian kernel and busybox initramfs from the assets; the
 * guest prints the marker. This exercises iPXE's TFTP and HTTP clients over IPv6 link-local.
 */
class IpxeLinkLocalBootIT {
    static final String TAP = "kmbttap0";
    static final String NODE_LL = "fe80::5:1";
    static final MacAddress NODE = MacAddress.parse("52:54:00:00:00:01");
    static final String VM_MAC = "52:54:00:aa:00:0b";
    Path dir;

    @AfterEach
    void cleanUp() throws Exception {
        NetnsLab.destroy();
        if (dir != null) {
            try (var s = Files.walk(dir)) {
                s.sorted((x, y) -> y.getNameCount() - x.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Test
    void ipxeFetchesOverTftpAndHttpOnLinkLocalAndBootsTheInstaller() throws Exception {
        Path lkrn = Path.of("/boot/ipxe.lkrn");
        assertThat(lkrn).as("apt-get install -y ipxe").exists();
        DebianKernel kernel = DebianKernel.ensure();
        dir = Files.createTempDirectory("kmbt-ipxe");
        Path tftp = Files.createDirectory(dir.resolve("tftp"));
        Path state = Files.createDirectory(dir.resolve("state"));
        Path assets = Files.createDirectory(dir.resolve("assets"));
        Files.copy(kernel.vmlinuz(), assets.resolve("vmlinuz"));
        BusyboxInitramfs.build(kernel, assets.resolve("initrd.gz"));
        String token = "token-" + UUID.randomUUID();
        Files.writeString(assets.resolve("marker.txt"), token + "\n");
        Files.writeString(tftp.resolve("start.ipxe"), "#!ipxe\necho kubermesh-test: start.ipxe came over TFTP\n"
                + "chain http://[" + NODE_LL + "%net0]:8080/boot.ipxe\n");
        PortPrefix port = LabPorts.seedPort(NODE, 0);
        Files.createDirectories(state.resolve("groups"));
        Files.createDirectories(state.resolve("profiles"));
        Files.writeString(state.resolve("profiles/marker.json"), "{\"id\":\"marker\",\"kernel\":\"vmlinuz\","
                + "\"initrd\":[\"initrd.gz\"],\"args\":[\"console=ttyS0\",\"panic=-1\",\"km.addr=" + port.pool().get(0) + "/126\","
                + "\"km.gw=" + port.thisEnd() + "\",\"km.url=http://[" + port.thisEnd() + "]:8080/assets/marker.txt\"]}");
        Files.writeString(state.resolve("groups/vm.json"), "{\"id\":\"vm\",\"profile\":\"marker\",\"selectors\":{\"mac\":\""
                + VM_MAC + "\"}}");

        try (NetnsLab lab = NetnsLab.create()) {
            lab.server(10, "ip", "tuntap", "add", "dev", TAP, "mode", "tap").orThrow();
            lab.server(10, "sysctl", "-q", "-w", "net.ipv6.conf." + TAP + ".accept_dad=0").orThrow();
            lab.server(10, "ip", "addr", "add", NODE_LL + "/64", "dev", TAP, "nodad").orThrow();
            lab.server(10, "ip", "addr", "add", port.thisEnd() + "/126", "dev", TAP, "nodad").orThrow();
            lab.server(10, "ip", "link", "set", TAP, "up").orThrow();
            try (JavaProcess server = JavaProcess.start(NetnsLab.SERVER_NS, LabServerMain.class,
                    Path.of("target", "it-logs", "ipxe-ll-servers.log"),
                    List.of("tftp-root=" + tftp, "iface=" + TAP, "http-state=" + state, "http-assets=" + assets,
                            "http-port=8080"))) {
                List<String> args = new java.util.ArrayList<>(List.of("-accel", "tcg", "-m", "512", "-smp", "1",
                        "-nographic", "-serial", "stdio", "-monitor", "none", "-no-reboot",
                        "-kernel", lkrn.toString(),
                        "-append", "ifopen net0 && chain tftp://[" + NODE_LL + "%net0]/start.ipxe",
                        "-netdev", "tap,id=n0,ifname=" + TAP + ",script=no,downscript=no",
                        "-device", "virtio-net-pci,netdev=n0,mac=" + VM_MAC + ",romfile="));
                try (QemuVm vm = QemuVm.start(NetnsLab.SERVER_NS, Path.of("target", "it-logs", "ipxe-ll-console.log"), args)) {
                    Optional<String> marker = vm.awaitAny(Duration.ofSeconds(300), BusyboxInitramfs.MARKER, "KUBERMESH-FAILED", "No bootable device", "Kernel panic");
                    assertThat(marker.filter(l -> l.contains(BusyboxInitramfs.MARKER))).as("console:\n%s\nservers:\n%s", vm.consoleText(), server.logText()).isPresent();
                    assertThat(marker.get()).contains(token);
                    System.out.printf("iPXE link-local boot: marker after %.1f s%n", vm.elapsed());
                }
                assertThat(server.logText()).contains("RRQ start.ipxe", "port " + TAP + ": GET /boot.ipxe -> 200",
                        "installer of profile marker for " + VM_MAC, "GET /assets/vmlinuz -> 200");
            }
        }
    }
}
