package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.MachineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A VM port that is a host NIC: a veth stands in for it (kmlvh0 on the host, its peer kmlvf0 in
 * namespace kmlv-far playing the physical machine cabled to it). The VM's firmware reaches the far
 * end through libvirt's macvtap passthrough, both ways: its DHCPv6 Solicits arrive there, and a
 * DHCPv6/TFTP server there (dnsmasq) netboots it into iPXE.
 */
class LibvirtHostPortIT {
    private static final String FAR = "kmlv-far";
    private static LibvirtDaemons.Started daemons;
    private final LibvirtFixture fixture = LibvirtFixture.create();
    private LibvirtSubstrate lab;
    private Process dnsmasq;
    private Path tftp;

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

    @BeforeEach
    void farEnd() throws IOException {
        LibvirtFixture.run(10, "ip", "netns", "add", FAR);
        LibvirtFixture.run(10, "ip", "link", "add", "kmlvh0", "type", "veth", "peer", "name", "kmlvf0", "netns", FAR);
        // the host keeps out of the link: no IPv6 on its end, so it neither answers nor solicits
        LibvirtFixture.run(10, "sysctl", "-qw", "net.ipv6.conf.kmlvh0.disable_ipv6=1");
        LibvirtFixture.run(10, "ip", "link", "set", "kmlvh0", "up");
        LibvirtFixture.run(10, "ip", "-n", FAR, "link", "set", "lo", "up");
        LibvirtFixture.run(10, "ip", "-n", FAR, "link", "set", "kmlvf0", "up");
        LibvirtFixture.run(10, "ip", "-n", FAR, "addr", "add", "2001:db8:99::1/64", "dev", "kmlvf0", "nodad");
        tftp = Files.createTempDirectory("kmlv-tftp");
        Files.setPosixFilePermissions(tftp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.copy(Path.of("/usr/lib/ipxe/ipxe.efi"), tftp.resolve("ipxe.efi"));
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (lab != null) {
                lab.close();
            }
            if (dnsmasq != null) {
                dnsmasq.destroy();
                dnsmasq.waitFor();
            }
        } finally {
            // The host end first: deleting a link is synchronous and takes its peer with it, while
            // the kernel dismantles a deleted namespace's links later, after the leftover check.
            if (Files.exists(Path.of("/sys/class/net/kmlvh0"))) {
                LibvirtFixture.run(10, "ip", "link", "del", "kmlvh0");
            }
            LibvirtFixture.run(10, "ip", "netns", "del", FAR);
            Files.deleteIfExists(tftp.resolve("ipxe.efi"));
            Files.deleteIfExists(tftp);
        }
        List<String> left = fixture.leftovers();
        fixture.removeDirectories();
        assertThat(left).isEmpty();
    }

    @Test
    void aPhysicalMachineOnAHostNicAndTheVmReachEachOther() throws Exception {
        lab = LibvirtSubstrate.open(fixture.config(Map.of("libvirt.hostPorts", "km-gw:1=direct:kmlvh0")));
        MachineSpec gw = new MachineSpec("km-gw", List.of(new MacAddress(0x5254_00bb_0100L),
                new MacAddress(0x5254_00bb_0101L)), false);
        lab.addMachine(gw);
        lab.addMachine(new MachineSpec("km-b", List.of(new MacAddress(0x5254_00bb_0200L)), true));
        assertThatThrownBy(() -> lab.cable(new PortRef("km-gw", 1), new PortRef("km-b", 0)))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("direct:kmlvh0");
        String hostMac = LibvirtFixture.run(10, "cat", "/sys/class/net/kmlvh0/address").trim();

        dnsmasq = new ProcessBuilder("ip", "netns", "exec", FAR, "dnsmasq", "--keep-in-foreground", "--conf-file=/dev/null",
                "--interface=kmlvf0", "--bind-interfaces", "--port=0", "--enable-ra",
                "--dhcp-range=2001:db8:99::100,2001:db8:99::1ff,64,1h",
                "--dhcp-option=option6:bootfile-url,tftp://[2001:db8:99::1]/ipxe.efi", "--enable-tftp",
                "--tftp-root=" + tftp, "--pid-file=", "--log-facility=-", "--log-dhcp")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> console = new CopyOnWriteArrayList<>();
        try (AutoCloseable tail = lab.console("km-gw", console::add);
             Capture solicit = Capture.start(FAR, "kmlvf0", "ether src " + gw.nics().get(1) + " and udp dst port 547")) {
            lab.powerOn("km-gw");
            assertThat(solicit.await(180)).contains("dhcp6 solicit");
            awaitLine(console, "iPXE initialising devices", 180);
        }
        assertThat(console).anyMatch(l -> l.contains("NBP file downloaded successfully"));
        lab.powerOff("km-gw");
        // passthrough lends the VM's MAC to the host NIC while it runs; libvirt gives the old one back
        assertThat(LibvirtFixture.run(10, "cat", "/sys/class/net/kmlvh0/address").trim()).isEqualTo(hostMac);
    }

    private static void awaitLine(List<String> console, String text, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (console.stream().anyMatch(l -> l.contains(text))) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the console never showed '" + text + "'; it has:\n"
                + String.join("\n", console.subList(Math.max(0, console.size() - 30), console.size())));
    }
}
