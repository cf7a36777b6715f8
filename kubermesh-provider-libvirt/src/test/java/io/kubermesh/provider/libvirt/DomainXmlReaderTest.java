package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import org.junit.jupiter.api.Test;

class DomainXmlReaderTest {
    // the shape libvirt 9.0 reports for a running domain (dumpxml), trimmed
    private static final String LIVE = """
            <domain type='qemu' id='3'><name>kmlv-a</name><devices>
              <interface type='network'><mac address='52:54:00:00:01:00'/>
                <source network='kmlv-c1' portid='x' bridge='kmlv-c1'/><target dev='kmlv-m1p0'/><model type='virtio'/>
                <link state='down'/><rom enabled='no'/><boot order='2'/><alias name='net0'/></interface>
              <interface type='network'><mac address='52:54:00:00:01:01'/>
                <source network='kmlv-c2'/><target dev='kmlv-m1p1'/><model type='virtio'/><alias name='net1'/></interface>
              <interface type='direct'><mac address='52:54:00:00:01:02'/><source dev='kmlvh0' mode='passthrough'/>
                <link state='up'/></interface>
            </devices></domain>""";

    @Test
    void theLinkStateIsReadPerMac() {
        assertThat(DomainXmlReader.linkUp(LIVE, MacAddress.parse("52:54:00:00:01:00"))).isFalse();
        assertThat(DomainXmlReader.linkUp(LIVE, MacAddress.parse("52:54:00:00:01:01"))).isTrue();
        assertThat(DomainXmlReader.linkUp(LIVE, MacAddress.parse("52:54:00:00:01:02"))).isTrue();
        assertThat(DomainXmlReader.network(LIVE, MacAddress.parse("52:54:00:00:01:01"))).isEqualTo("kmlv-c2");
        assertThat(DomainXmlReader.network(LIVE, MacAddress.parse("52:54:00:00:01:02"))).isEmpty();
    }

    @Test
    void anUnknownMacOrBrokenXmlIsASubstrateError() {
        assertThatThrownBy(() -> DomainXmlReader.linkUp(LIVE, MacAddress.parse("52:54:00:00:09:09")))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("52:54:00:00:09:09");
        assertThatThrownBy(() -> DomainXmlReader.linkUp("<domain><devices>", MacAddress.parse("52:54:00:00:01:00")))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("does not parse");
    }
}
