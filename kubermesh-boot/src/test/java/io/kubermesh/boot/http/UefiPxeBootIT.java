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
 * The full firmware path: OVMF (UEFI PXE over IPv6) -> snponly.efi over TFTP -> boot.ipxe over
 * HTTP -> per-machine script -> Debian kernel + busybox initramfs -> marker. Everything but the
 * Router advertisements and DHCPv6 run in the same server process, as port 0 of the node:
 * only kubermesh serves on the tap.
 */
class UefiPxeBootIT {
    static final String TAP = "kmbttap0";
    static final MacAddress NODE = MacAddress.parse("52:54:00:00:00:01");
    static final String VM_MAC = "52:54:00:aa:00:0a";
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
    void uefiPxeChainsToIpxeThenBootsTheInstallerKernel() throws Exception {
        DebianKernel kernel = DebianKernel.ensure();
        dir = Files.createTempDirectory("kmbt-uefi");
        Path state = Files.createDirectory(dir.resolve("state"));
        Path assets = Files.createDirectory(dir.resolve("assets"));
        Files.copy(kernel.vmlinuz(), assets.resolve("vmlinuz"));
        BusyboxInitramfs.build(kernel, assets.resolve("initrd.gz"));
        String token = "token-" + UUID.randomUUID();
        Files.writeString(assets.resolve("marker.txt"), token + "\n");
        PortPrefix port = LabPorts.seedPort(NODE, 0);
        Files.createDirectories(state.resolve("groups"));
        Files.createDirectories(state.resolve("profiles"));
        Files.writeString(state.resolve("profiles/marker.json"), "{\"id\":\"marker\",\"kernel\":\"vmlinuz\","
                + "\"initrd\":[\"initrd.gz\"],\"args\":[\"console=ttyS0\",\"km.addr=" + port.pool().get(0) + "/126\","
                + "\"km.gw=" + port.thisEnd() + "\",\"km.url={server}/assets/marker.txt\"]}");
        Files.writeString(state.resolve("groups/vm.json"), "{\"id\":\"vm\",\"profile\":\"marker\",\"selectors\":{\"mac\":\""
                + VM_MAC + "\"}}");

        try (NetnsLab lab = NetnsLab.create()) {
            lab.server(10, "ip", "tuntap", "add", "dev", TAP, "mode", "tap").orThrow();
            lab.server(10, "sysctl", "-q", "-w", "net.ipv6.conf." + TAP + ".accept_dad=0").orThrow();
            lab.server(10, "ip", "addr", "add", port.thisEnd() + "/126", "dev", TAP, "nodad").orThrow();
            lab.server(10, "ip", "link", "set", TAP, "up").orThrow();
            try (JavaProcess server = JavaProcess.start(NetnsLab.SERVER_NS, LabServerMain.class,
                    Path.of("target", "it-logs", "uefi-servers.log"),
                    List.of("tftp-root=/usr/lib/ipxe", "iface=" + TAP, "http-state=" + state, "http-assets=" + assets,
                            "http-port=8080", "dhcp6-identity=" + NODE, "dhcp6-state=" + Files.createDirectory(dir.resolve("leases"))))) {
                try (QemuVm vm = QemuVm.start(NetnsLab.SERVER_NS, Path.of("target", "it-logs", "uefi-console.log"),
                        QemuVm.uefiNetBoot(QemuVm.ovmfVars(dir), TAP, VM_MAC, UUID.randomUUID().toString()))) {
                    Optional<String> marker = vm.awaitAny(Duration.ofSeconds(300), BusyboxInitramfs.MARKER, "KUBERMESH-FAILED", "No bootable device", "Kernel panic");
                    assertThat(marker.filter(l -> l.contains(BusyboxInitramfs.MARKER))).as("console:\n%s", vm.consoleText()).isPresent();
                    assertThat(marker.get()).contains(token);
                }
                assertThat(server.logText()).contains("RRQ snponly.efi", "GET /boot.ipxe -> 200", "installer of profile marker");
            }
        }
    }
}
