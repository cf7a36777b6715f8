package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateProvider;
import io.kubermesh.testkit.SubstrateContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The substrate contract against the real libvirtd: machines are VMs running OVMF on blank disks
 * (TCG here), cables are libvirt networks, and the link a port's guest sees is the NIC link state
 * in the running domain. Plus what only libvirt can show: foreign libvirt objects survive.
 */
class LibvirtSubstrateIT extends SubstrateContract {
    private static LibvirtDaemons.Started daemons;
    private final LibvirtFixture fixture = LibvirtFixture.create();

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

    @Override
    protected SubstrateProvider provider() {
        return ServiceLoader.load(SubstrateProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("libvirt")).findFirst().orElseThrow();
    }

    @Override
    protected Substrate createSubstrate() {
        return provider().create(fixture.config(Map.of()));
    }

    @Override
    protected boolean linkIsUp(Substrate substrate, PortRef port) {
        return ((LibvirtSubstrate) substrate).linkUp(port);
    }

    @Override
    protected boolean leftovers(Substrate closed) {
        return !fixture.leftovers().isEmpty();
    }

    @AfterEach
    void nothingOutlivesATest() {
        substrate().close();
        List<String> left = fixture.leftovers();
        fixture.removeDirectories();
        assertThat(left).isEmpty();
    }

    @Test
    void closeLeavesAloneWhatItDidNotCreate() {
        String xml = "<domain type='qemu'><name>other-kmlv-it</name><memory unit='MiB'>64</memory>"
                + "<os><type arch='x86_64' machine='q35'>hvm</type></os></domain>";
        try (Hypervisor hv = Hypervisor.open("qemu:///system")) {
            hv.defineDomain("other-kmlv-it", xml);
            hv.defineNetwork("other-kmlv-it", "<network><name>other-kmlv-it</name><bridge name='otherkmlv0'/></network>");
            try {
                Substrate s = substrate();
                s.addMachine(machine("km-a", 1, 1));
                s.powerOn("km-a");
                s.close();
                assertThat(hv.domainExists("other-kmlv-it")).isTrue();
                assertThat(hv.networkExists("other-kmlv-it")).isTrue();
                assertThat(fixture.leftovers()).isEmpty();
            } finally {
                hv.undefine("other-kmlv-it", false);
                hv.removeNetwork("other-kmlv-it");
            }
        }
    }

    @Test
    void aSecondProcessAttachesToTheLabAndSeesItsMachinesPowered() {
        Substrate s = substrate();
        s.addMachine(machine("km-a", 2, 1));
        s.addMachine(machine("km-b", 1, 2));
        s.cable(new PortRef("km-a", 1), new PortRef("km-b", 0));
        s.powerOn("km-b");
        LibvirtSubstrate again = LibvirtSubstrate.open(new io.kubermesh.spi.SubstrateConfig(
                io.kubermesh.addressing.config.ClusterConfig.seed(), fixture.lastDirectory(), LibvirtFixture.SMALL));
        assertThat(again.topology()).isEqualTo(s.topology());
        assertThat(again.machines()).extracting(m -> m.name() + "=" + m.powered()).containsExactly("km-a=false", "km-b=true");
        again.cut(new PortRef("km-b", 0), new PortRef("km-a", 1));
        assertThat(again.linkUp(new PortRef("km-b", 0))).isFalse();
        assertThat(again.accelerator()).isNotBlank();
    }

    @Test
    void theHostTakesNoPartInAPoweredMachinesLinks() throws Exception {
        LibvirtSubstrate s = (LibvirtSubstrate) substrate();
        s.addMachine(machine("km-a", 2, 1));
        s.addMachine(machine("km-b", 1, 2));
        s.cable(new PortRef("km-a", 1), new PortRef("km-b", 0));
        s.powerOn("km-a");
        String xml;
        try (Hypervisor hv = Hypervisor.open("qemu:///system")) {
            xml = hv.domainXml(s.domainName("km-a"), false);
        }
        java.util.regex.Matcher taps = java.util.regex.Pattern.compile("<target dev='([^']+)'").matcher(xml);
        List<String> seen = new java.util.ArrayList<>();
        while (taps.find()) {
            if (taps.group(1).startsWith("km")) {
                seen.add(taps.group(1));
            }
        }
        assertThat(seen).hasSize(2);
        for (String tap : seen) {
            assertThat(java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf", tap, "disable_ipv6")).strip())
                    .as(tap).isEqualTo("1");
            // no IPv6 address (not even a link-local) on the tap: /proc/net/if_inet6 ends each line with the device
            assertThat(java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/net/if_inet6")))
                    .as(tap).noneMatch(line -> line.endsWith(" " + tap));
        }
    }
}
