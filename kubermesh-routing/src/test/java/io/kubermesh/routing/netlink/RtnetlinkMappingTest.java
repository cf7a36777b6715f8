package io.kubermesh.routing.netlink;

import static io.kubermesh.routing.netlink.Captures.ORDER;
import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** From decoded captures to the records Rtnetlink hands out, without a socket. */
class RtnetlinkMappingTest {
    @Test
    void aMultipathRouteBecomesARouteWithBothNextHopsByName() {
        RouteMessage m = (RouteMessage) NetlinkCodec.decode(ByteBuffer.wrap(Captures.MULTIPATH_ROUTE), ORDER).get(0).payload();
        Route r = Rtnetlink.toRoute(m, Map.of(2, "kmrn0b", 3, "kmrn0a"));
        assertThat(r).isEqualTo(new Route(Ipv6Prefix.parse("2001:db8:1::/64"), List.of(
                new NextHop("kmrn0a", Ipv6Address.parse("fe80::1")), new NextHop("kmrn0b", Ipv6Address.parse("fe80::2")))));
        // an index with no known name still yields a next hop
        assertThat(Rtnetlink.toRoute(m, Map.of()).nextHops()).extracting(NextHop::interfaceName).containsExactly("if2", "if3");
    }

    @Test
    void anAddressWithCacheInfoBecomesLifetimes() {
        AddressMessage a = (AddressMessage) NetlinkCodec.decode(ByteBuffer.wrap(Captures.ADDR_DUMP), ORDER).get(1).payload();
        InterfaceAddress x = Rtnetlink.toInterfaceAddress(a, Map.of(2, "kmrn0b")).orElseThrow();
        assertThat(x.interfaceName()).isEqualTo("kmrn0b");
        assertThat(x.address()).isEqualTo(Ipv6Address.parse("2001:db8::22"));
        assertThat(x.prefixLength()).isEqualTo(126);
        assertThat(x.lifetime()).isEqualTo(new AddressLifetime(1800, 3600));
        assertThat(x.deprecated()).isFalse();

        AddressMessage port = (AddressMessage) NetlinkCodec.decode(ByteBuffer.wrap(Captures.ADDR_ADD), ORDER).get(0).payload();
        assertThat(Rtnetlink.toInterfaceAddress(port, Map.of()).orElseThrow().lifetime()).isEqualTo(AddressLifetime.PORT);
    }
}
