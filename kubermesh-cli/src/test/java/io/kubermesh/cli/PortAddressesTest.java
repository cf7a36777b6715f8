package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.InterfaceAddress;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PortAddressesTest {
    private static final PortPrefix PORT = new AddressPlan(ClusterConfig.seed()).port(MacAddress.parse("52:54:00:00:00:09"), 1);

    @Test
    void withoutALinkLocalTftpListensOnThePortsOwnEndOnly() {
        List<InetSocketAddress> binds = PortAddresses.tftpBinds(PORT, Optional.empty(), 69);
        assertThat(binds).singleElement().satisfies(b -> {
            assertThat(Ipv6Address.of((Inet6Address) b.getAddress())).isEqualTo(PORT.thisEnd());
            assertThat(b.getPort()).isEqualTo(69);
        });
    }

    @Test
    void theLinkLocalCarriesItsInterfaceIndexAsANumericScope() {
        // An interface index no JDK NetworkInterface knows: the scope must not need a lookup.
        InterfaceAddress ll = new InterfaceAddress(4711, "kmbs0a", Ipv6Address.parse("fe80::5054:ff:fe00:9"), 64, 253, 0,
                AddressLifetime.PERMANENT);
        List<InetSocketAddress> binds = PortAddresses.tftpBinds(PORT, Optional.of(ll), 6969);
        assertThat(binds).hasSize(2);
        Inet6Address second = (Inet6Address) binds.get(1).getAddress();
        assertThat(second.getScopeId()).isEqualTo(4711);
        assertThat(second.getScopedInterface()).isNull();
        assertThat(Ipv6Address.of(second)).isEqualTo(ll.address());
        assertThat(binds.get(1).getPort()).isEqualTo(6969);
    }
}
