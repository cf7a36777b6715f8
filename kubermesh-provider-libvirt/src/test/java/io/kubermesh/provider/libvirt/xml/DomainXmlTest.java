package io.kubermesh.provider.libvirt.xml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Domain, interface and network XML against golden files reviewed by hand. */
class DomainXmlTest {
    static String golden(String name) {
        try (InputStream in = DomainXmlTest.class.getResourceAsStream("/golden/" + name)) {
            if (in == null) {
                throw new IllegalStateException("no golden file " + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aNetbootMachineBootsItsDiskThenEveryPortThenTheRetryDrive() {
        assertThat(DomainXml.render(Specimens.netboot())).isEqualTo(golden("domain-netboot.xml"));
    }

    @Test
    void networkFirstPutsEveryPortBeforeTheDiskAndTheRetryDriveLast() {
        String xml = DomainXml.render(Specimens.netbootNetworkFirst());
        assertThat(xml).isEqualTo(golden("domain-netboot-network-first.xml"));
        // the same devices as disk first, only the boot orders differ
        assertThat(xml.replaceAll("<boot order='\\d+'/>", "")).isEqualTo(golden("domain-netboot.xml")
                .replaceAll("<boot order='\\d+'/>", ""));
        assertThat(DomainXml.networkInterface(Specimens.netbootNetworkFirst(), 1)).contains("<boot order='2'/>");
    }

    @Test
    void aDeployedMachineBootsItsUsbImageFirstAndItsHostPortsAreHardware() {
        assertThat(DomainXml.render(Specimens.deployed())).isEqualTo(golden("domain-deployed.xml"));
    }

    @Test
    void interfaceUpdatesRepeatTheDomainsInterfaceExactly() {
        assertThat(DomainXml.networkInterface(Specimens.netboot(), 0)).isEqualTo(golden("interface-cabled.xml"));
        assertThat(DomainXml.networkInterface(Specimens.netboot(), 1)).isEqualTo(golden("interface-idle.xml"));
        assertThat(DomainXml.networkInterface(Specimens.deployed(), 3)).isEqualTo(golden("interface-after-usb.xml"));
        // the update must match the device as the domain defines it, boot order included
        assertThat(DomainXml.render(Specimens.deployed()))
                .contains(golden("interface-after-usb.xml").indent(4));
        assertThat(DomainXml.render(Specimens.netboot())).contains(golden("interface-idle.xml").indent(4));
    }

    @Test
    void hardwarePortsTakeNoInterfaceUpdate() {
        assertThatThrownBy(() -> DomainXml.networkInterface(Specimens.deployed(), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 1");
        assertThatThrownBy(() -> DomainXml.networkInterface(Specimens.deployed(), 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("port 2");
    }

    @Test
    void aCableIsAnIsolatedBridgeWithoutStp() {
        assertThat(NetworkXml.render("kmlab-c1", "kmlab-c1")).isEqualTo(golden("network-cable.xml"));
        assertThatThrownBy(() -> NetworkXml.render("x", "kmlabxxxxxxxxxxx")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("15");
    }

    @Test
    void portsMustBeInOrder() {
        DomainSpec d = Specimens.netboot();
        assertThatThrownBy(() -> new DomainSpec(d.name(), d.description(), d.kvm(), d.memoryMiB(), d.vcpus(), d.firmware(),
                d.nvramTemplate(), d.nvram(), d.disk(), d.deployImage(), java.util.List.of(d.ports().get(1), d.ports().get(0)), d.consoleLog(),
                d.agentSocket(), d.ipv4Pxe(), d.ipv6Pxe(), d.retryDrive()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("index");
    }
}
