package io.kubermesh.boot.http;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.lab.BusyboxInitramfs;
import io.kubermesh.boot.lab.DebianKernel;
import io.kubermesh.boot.lab.Exec;
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
 * Proves the VM harness: a Debian kernel and the busybox initramfs boot directly in qemu (TCG) on
 * tap {@code kmbttap0} inside {@code kmbt-srv}; the guest takes a port-0 pool address, fetches a
 * token from kubermesh's HTTP server over IPv6 and prints it after the marker.
 */
class DirectKernelBootIT {
    static final String TAP = "kmbttap0";
    static final MacAddress NODE = MacAddress.parse("52:54:00:00:00:01");
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
    void kernelAndInitramfsFetchFromTheNodeAndPrintTheMarker() throws Exception {
        DebianKernel kernel = DebianKernel.ensure();
        dir = Files.createTempDirectory("kmbt-vm");
        Path initrd = BusyboxInitramfs.build(kernel, dir.resolve("initrd.gz"));
        Path state = Files.createDirectory(dir.resolve("state"));
        Path assets = Files.createDirectory(dir.resolve("assets"));
        String token = "token-" + UUID.randomUUID();
        Files.writeString(assets.resolve("marker.txt"), token + "\n");

        PortPrefix port = LabPorts.seedPort(NODE, 0);
        try (NetnsLab lab = NetnsLab.create()) {
            lab.server(10, "ip", "tuntap", "add", "dev", TAP, "mode", "tap").orThrow();
            lab.server(10, "sysctl", "-q", "-w", "net.ipv6.conf." + TAP + ".accept_dad=0").orThrow();
            lab.server(10, "ip", "addr", "add", port.thisEnd() + "/126", "dev", TAP, "nodad").orThrow();
            lab.server(10, "ip", "link", "set", TAP, "up").orThrow();
            try (JavaProcess server = JavaProcess.start(NetnsLab.SERVER_NS, LabServerMain.class,
                    Path.of("target", "it-logs", "vm-http-server.log"),
                    List.of("http-state=" + state, "http-assets=" + assets, "http-port=8080"))) {
                String append = "console=ttyS0 panic=-1 km.addr=" + port.pool().get(0) + "/126 km.gw=" + port.thisEnd()
                        + " km.url=http://[" + port.thisEnd() + "]:8080/assets/marker.txt";
                try (QemuVm vm = QemuVm.start(NetnsLab.SERVER_NS, Path.of("target", "it-logs", "vm-direct-console.log"),
                        QemuVm.directKernel(kernel.vmlinuz(), initrd, append, TAP, "52:54:00:aa:00:0a"))) {
                    Optional<String> marker = vm.awaitAny(Duration.ofSeconds(240), BusyboxInitramfs.MARKER, "KUBERMESH-FAILED", "No bootable device", "Kernel panic");
                    assertThat(marker.filter(l -> l.contains(BusyboxInitramfs.MARKER))).as("console:\n%s", vm.consoleText()).isPresent();
                    assertThat(marker.get()).contains(token);
                    System.out.printf("marker after %.1f s: %s%n", vm.elapsed(), marker.get());
                    assertThat(vm.waitForExit(Duration.ofSeconds(60))).as("the guest powers off").isTrue();
                }
                assertThat(server.logText()).as("the guest came in on port 0").contains("port cluster0: GET /assets/marker.txt -> 200");
            }
        }
    }

    static {
        // fail early with the package name rather than deep in the harness
        Exec.require("ip", "iproute2");
    }
}
