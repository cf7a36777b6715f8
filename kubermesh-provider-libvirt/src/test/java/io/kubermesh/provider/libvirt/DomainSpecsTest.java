package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.provider.libvirt.LabState.StoredCable;
import io.kubermesh.provider.libvirt.LabState.StoredMachine;
import io.kubermesh.provider.libvirt.xml.DomainSpec;
import io.kubermesh.spi.SubstrateConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** From the lab's state to a domain: cables, idle ports, hardware ports, the drives. */
class DomainSpecsTest {
    private static final Path STATE = Path.of("/var/lib/km/lab");

    private static DomainSpecs specs(Map<String, String> o) {
        LibvirtOptions options = LibvirtOptions.of(new SubstrateConfig(ClusterConfig.seed(), STATE, o));
        return new DomainSpecs(options, new Names(options.prefix()), new LabFiles(STATE), STATE);
    }

    private static StoredMachine machine(String name, int index, boolean netboot, int ports) {
        StoredMachine m = new StoredMachine();
        m.name = name;
        m.index = index;
        m.netboot = netboot;
        for (int i = 0; i < ports; i++) {
            m.nics.add(String.format("52:54:00:00:%02x:%02x", index, i));
        }
        return m;
    }

    private static StoredCable cable(int id, String a, int ap, String b, int bp) {
        StoredCable c = new StoredCable();
        c.id = id;
        c.a = a;
        c.aPort = ap;
        c.b = b;
        c.bPort = bp;
        return c;
    }

    @Test
    void cabledPortsAreOnTheirCablesNetworkUpAndTheRestIdleDown() {
        StoredMachine m = machine("node1", 2, true, 3);
        DomainSpec d = specs(Map.of()).of(m, List.of(cable(4, "gateway", 0, "node1", 2), cable(5, "x", 1, "y", 0)));
        assertThat(d.name()).isEqualTo("kmlab-node1");
        assertThat(d.ports()).extracting(p -> p.backend().toString()).containsExactly(
                "Network[network=kmlab-idle, tap=kmlab-m2p0, linkUp=false]",
                "Network[network=kmlab-idle, tap=kmlab-m2p1, linkUp=false]",
                "Network[network=kmlab-c4, tap=kmlab-m2p2, linkUp=true]");
        assertThat(d.ports().get(2).mac().toString()).isEqualTo("52:54:00:00:02:02");
        assertThat(d.retryDrive()).contains(STATE.resolve("libvirt/retry"));
        assertThat(d.deployImage()).isEmpty();
        assertThat(d.agentSocket()).isEqualTo(STATE.resolve("libvirt/node1/agent.sock"));
        assertThat(d.ipv4Pxe()).isFalse();
        assertThat(d.ipv6Pxe()).isTrue();
    }

    @Test
    void aDeployedMachineGetsItsImageNoRetryDriveAndItsHardwarePorts() {
        StoredMachine gw = machine("gateway", 1, false, 3);
        gw.deployImage = true;
        DomainSpec d = specs(Map.of("libvirt.deployImage", "/srv/usb.img", "libvirt.pxe", "both",
                "libvirt.hostPorts", "gateway:1=direct:eth1,gateway:2=usb:0bda:8153")).of(gw, List.of());
        assertThat(d.deployImage()).contains(STATE.resolve("libvirt/gateway/deploy.img"));
        assertThat(d.retryDrive()).isEmpty();
        assertThat(d.ports().get(1).backend()).isEqualTo(new DomainSpec.Direct("eth1", "kmlab-m1p1"));
        assertThat(d.ports().get(2).backend()).isEqualTo(new DomainSpec.Usb(0x0bda, 0x8153));
        assertThat(d.ipv4Pxe()).isTrue();
    }

    @Test
    void retryCanBeTurnedOff() {
        assertThat(specs(Map.of("libvirt.bootRetry", "false")).of(machine("n", 3, true, 1), List.of()).retryDrive()).isEmpty();
    }
}
