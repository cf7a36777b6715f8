package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * libvirt's own parser (its {@code test:///default} driver, in this process, no daemon) takes the
 * golden XML and keeps what matters. The test driver shares one state per process, so names here
 * are unique to this class, and it cannot update devices: cables are checked against the real
 * libvirtd in {@code LibvirtSubstrateIT}.
 */
class LibvirtParserTest {
    private static Hypervisor hv;

    @BeforeAll
    static void connect() {
        try {
            hv = Hypervisor.open("test:///default");
        } catch (LinkageError e) {
            throw new AssertionError("libvirt's C library is missing: apt-get install -y libvirt0", e);
        }
    }

    @AfterAll
    static void disconnect() {
        for (String d : hv.domains()) {
            if (d.startsWith("kmlab-")) {
                hv.destroy(d);
                hv.undefine(d, false);
            }
        }
        for (String n : hv.networks()) {
            if (n.startsWith("kmlab-")) {
                hv.removeNetwork(n);
            }
        }
        hv.close();
    }

    private static String golden(String name) {
        try (InputStream in = LibvirtParserTest.class.getResourceAsStream("/golden/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void libvirtKeepsEveryPartOfANetbootDomain() {
        hv.defineDomain("kmlab-node1", golden("domain-netboot.xml"));
        String back = hv.domainXml("kmlab-node1", true);
        assertThat(back).contains("machine='q35'", "<nvram template='/usr/share/OVMF/OVMF_VARS_4M.fd'>",
                "<entry name='opt/org.tianocore/IPv4PXESupport'>n</entry>", "<entry name='opt/org.tianocore/IPv4Support'>n</entry>", "<target dev='kmlab-m2p0'/>",
                "<source dir='/var/lib/km/lab/libvirt/retry'/>", "<log file='/var/lib/km/lab/libvirt/node1/console.log'",
                "<target type='virtio' name='io.kubermesh.agent.0'/>", "<rom enabled='no'/>");
        assertThat(back.split("<boot order=", -1)).hasSize(5);
        assertThat(DomainXmlReader.linkUp(back, MacAddress.parse("52:54:00:12:00:00"))).isTrue();
        assertThat(DomainXmlReader.linkUp(back, MacAddress.parse("52:54:00:12:00:01"))).isFalse();
        assertThat(DomainXmlReader.network(back, MacAddress.parse("52:54:00:12:00:01"))).isEqualTo("kmlab-idle");
    }

    @Test
    void libvirtKeepsTheHardwarePortsOfADeployedDomain() {
        hv.defineDomain("kmlab-gateway", golden("domain-deployed.xml"));
        String back = hv.domainXml("kmlab-gateway", true);
        assertThat(back).contains("<source dev='enp3s0' mode='passthrough'/>", "<vendor id='0x0bda'/>",
                "<target dev='sda' bus='usb' removable='on'/>", "<cpu mode='host-passthrough'");
    }

    @Test
    void aCableNetworkIsKeptIsolated() {
        hv.defineNetwork("kmlab-c1", golden("network-cable.xml"));
        String back = hv.networks().contains("kmlab-c1") ? "defined" : "missing";
        assertThat(back).isEqualTo("defined");
        assertThat(hv.startNetwork("kmlab-c1")).isTrue();
        assertThat(hv.startNetwork("kmlab-c1")).isFalse();
    }

    @Test
    void theTestDriverCannotUpdateDevicesAndSaysSo() {
        hv.defineDomain("kmlab-node9", golden("domain-netboot.xml").replace("kmlab-node1", "kmlab-node9"));
        assertThatThrownBy(() -> hv.updateDevice("kmlab-node9", golden("interface-idle.xml")))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("kmlab-node9")
                .hasMessageContaining("not supported");
    }

    @Test
    void unknownObjectsAreAbsentNotErrors() {
        assertThat(hv.domainExists("kmlab-none")).isFalse();
        assertThat(hv.networkExists("kmlab-none")).isFalse();
        assertThatThrownBy(() -> hv.start("kmlab-none")).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("start domain kmlab-none");
    }
}
