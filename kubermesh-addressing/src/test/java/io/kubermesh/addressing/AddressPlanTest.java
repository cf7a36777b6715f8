package io.kubermesh.addressing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.AddressOwner.Region;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.RegionLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed plan for one MAC, worked out by hand from ARCHITECTURE.md. */
class AddressPlanTest {
    private final AddressPlan seed = new AddressPlan(ClusterConfig.seed());
    private final MacAddress mac = MacAddress.parse("52:54:00:12:34:56");

    @Test
    void theSeedBlockOfAMacIsThePrefixOrTheMacShiftedNineBits() {
        // 0x525400123456 << 9 = 0xa4a80024_68ac00, under 2001:db8::/71.
        NodeBlock node = seed.node(mac);
        assertThat(node.block()).hasToString("2001:db8::a4:a800:2468:ac00/119");
        assertThat(node.host()).hasToString("2001:db8::a4:a800:2468:ac00");
        assertThat(node.hostRegion()).hasToString("2001:db8::a4:a800:2468:ac00/123");
        assertThat(node.vip(1)).hasToString("2001:db8::a4:a800:2468:ac01");
        assertThat(node.portRegion()).hasToString("2001:db8::a4:a800:2468:ac20/123");
        assertThat(node.pods()).hasToString("2001:db8::a4:a800:2468:ad00/120");
    }

    @Test
    void eightPortsOfSlash126FromOffset0x20() {
        List<PortPrefix> ports = seed.node(mac).ports();
        assertThat(ports).hasSize(8);
        PortPrefix p0 = ports.get(0);
        assertThat(p0.interfaceName()).isEqualTo("cluster0");
        assertThat(p0.prefix()).hasToString("2001:db8::a4:a800:2468:ac20/126");
        assertThat(p0.thisEnd()).hasToString("2001:db8::a4:a800:2468:ac20");
        assertThat(p0.pool()).extracting(Ipv6Address::toString).containsExactly(
                "2001:db8::a4:a800:2468:ac21", "2001:db8::a4:a800:2468:ac22", "2001:db8::a4:a800:2468:ac23");
        assertThat(ports.get(7).prefix()).hasToString("2001:db8::a4:a800:2468:ac3c/126");
        assertThat(ports.get(7).interfaceName()).isEqualTo("cluster7");
    }

    @Test
    void ownerNamesNodeRegionAndIndex() {
        var o = seed.owner(Ipv6Address.parse("2001:db8::a4:a800:2468:ac2a")).orElseThrow();
        assertThat(o.mac()).contains(mac);
        assertThat(o.region()).isEqualTo(Region.PORT_POOL);
        assertThat(o.index()).isEqualTo(2);
        assertThat(seed.owner(Ipv6Address.parse("2001:db8::a4:a800:2468:ac28")).orElseThrow().region()).isEqualTo(Region.PORT);
        assertThat(seed.owner(Ipv6Address.parse("2001:db8::a4:a800:2468:ac40")).orElseThrow().region()).isEqualTo(Region.RESERVED);
        assertThat(seed.owner(Ipv6Address.parse("2001:db8::a4:a800:2468:acff")).orElseThrow().region()).isEqualTo(Region.RESERVED);
        assertThat(seed.owner(Ipv6Address.parse("2001:db8::a4:a800:2468:adff")).orElseThrow().region()).isEqualTo(Region.PODS);
    }

    @Test
    void ownerOfAnAnycastAddressNamesTheService() {
        var o = seed.owner(Ipv6Address.parse("fd65:7b9c:569:680:98eb:c508:ea6b:b0b2")).orElseThrow();
        assertThat(o.region()).isEqualTo(Region.ANYCAST);
        assertThat(o.service()).contains("etcd");
        var unassigned = seed.owner(Ipv6Address.parse("fd65:7b9c:569:680::1")).orElseThrow();
        assertThat(unassigned.service()).isEmpty();
    }

    @Test
    void ownerRejectsAddressesOutsideAndBlocksNoNodeCanHave() {
        assertThat(seed.owner(Ipv6Address.parse("2001:db9::1"))).isEmpty();
        assertThat(seed.owner(Ipv6Address.parse("fe80::1"))).isEmpty();
        // MAC bits 01:00:5e:... are a group address: no node has that block.
        Ipv6Address multicastBlock = new Ipv6Address(0x2001_0db8_0000_0000L, 0x01005e000001L << 9);
        assertThat(seed.owner(multicastBlock)).isEmpty();
    }

    @Test
    void aDerivedAnycastAddressIsTheFirst64BitsOfSha256() {
        Ipv6Address etcd = AddressPlan.derivedAnycast(Ipv6Prefix.parse("fd65:7b9c:569:680::/64"), "etcd");
        assertThat(etcd).hasToString("fd65:7b9c:569:680:e1d5:d58b:6ab7:15c8");
    }

    @Test
    void aGroupMacNamesNoNode() {
        assertThatThrownBy(() -> seed.node(MacAddress.parse("01:00:5e:00:00:01")))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("unicast");
        assertThatThrownBy(() -> seed.node(new MacAddress(0))).isInstanceOf(ConfigurationException.class);
    }

    @Test
    void aPortOutsideTheLayoutIsRefused() {
        assertThatThrownBy(() -> seed.port(mac, 8)).hasMessageContaining("ports 0..7");
    }

    @Test
    void theDefaultLayoutIsTheArchitecturesOne() {
        assertThat(RegionLayout.DEFAULT.hostOffset()).isZero();
        assertThat(RegionLayout.DEFAULT.portOffset()).isEqualTo(0x20);
        assertThat(RegionLayout.DEFAULT.ports()).isEqualTo(8);
        assertThat(RegionLayout.DEFAULT.portRegionSize()).isEqualTo(32);
    }
}
