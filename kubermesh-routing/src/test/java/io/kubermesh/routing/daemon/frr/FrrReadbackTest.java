package io.kubermesh.routing.daemon.frr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.Fixtures;
import io.kubermesh.routing.daemon.Neighbour;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replies captured from FRR 8.4 on the gateway of the six-node mesh with one cable silenced. */
class FrrReadbackTest {
    private static final Ipv6Address VIA_CLUSTER0 = Ipv6Address.parse("fe80::44dc:35ff:fe31:e16b");
    private static final Ipv6Address VIA_CLUSTER1 = Ipv6Address.parse("fe80::1c45:e6ff:fe80:a43f");

    @Test
    void installedOspfRoutesWithTheirEqualCostNextHops() {
        List<Route> routes = FrrReadback.routes(Fixtures.resource("frr/show-ipv6-route-ospf6-gateway-mesh6.json"));
        // 27 prefixes in the reply; the 4 of the gateway's own interfaces are OSPF routes that
        // lost to the connected ones (no "installed") and are not the daemon's.
        assertThat(routes).hasSize(23);
        assertThat(routes).extracting(Route::destination).isSorted()
                .doesNotContain(Ipv6Prefix.parse("2001:db8::a4:a800:d600:200/128"));
        assertThat(routes).contains(
                new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:400/128"), List.of(new NextHop("cluster0", VIA_CLUSTER0))),
                new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:900/120"),
                        List.of(new NextHop("cluster1", VIA_CLUSTER1), new NextHop("cluster0", VIA_CLUSTER0))),
                new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:c00/128"), List.of(new NextHop("cluster1", VIA_CLUSTER1))));
        Route ecmp = routes.stream().filter(r -> r.destination().equals(Ipv6Prefix.parse("2001:db8::a4:a800:d600:a00/128")))
                .findFirst().orElseThrow();
        assertThat(ecmp.nextHops()).extracting(NextHop::interfaceName).containsExactly("cluster0", "cluster1");
    }

    @Test
    void ospf6dsOwnRoutesWithEveryNextHopItComputed() {
        // ospf6d's table on the gateway of the six-node mesh without its sixth node: 20 prefixes,
        // 4 of them the gateway's own (next hop ::).
        List<Route> routes = FrrReadback.computedRoutes(Fixtures.resource("frr/show-ipv6-ospf6-route-gateway-mesh5.json"));
        assertThat(routes).hasSize(16);
        assertThat(routes).extracting(Route::destination).isSorted()
                .doesNotContain(Ipv6Prefix.parse("2001:db8::a4:a800:d600:200/128"));
        Ipv6Address viaCluster0 = Ipv6Address.parse("fe80::60bd:d3ff:fe47:7ba6");
        assertThat(routes).contains(
                new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:400/128"), List.of(new NextHop("cluster0", viaCluster0))),
                new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:a00/128"), List.of(new NextHop("cluster0", viaCluster0),
                        new NextHop("cluster1", Ipv6Address.parse("fe80::1038:32ff:fe9d:1d5a")),
                        new NextHop("cluster2", Ipv6Address.parse("fe80::d01b:29ff:fe12:3721")))));
    }

    @Test
    void ospf6dRoutesThatAreNotBestAreLeftOut() {
        String json = "{\"routes\":{\"2001:db8::/64\":{\"isBestRoute\":false,\"nextHops\":["
                + "{\"nextHop\":\"fe80::1\",\"interfaceName\":\"cluster0\"}]}}}";
        assertThat(FrrReadback.computedRoutes(json)).isEmpty();
    }

    @Test
    void malformedOspf6dRouteReplies() {
        for (String bad : List.of("{}", "{\"routes\":[]}",
                "{\"routes\":{\"x\":{\"isBestRoute\":true,\"nextHops\":[{\"nextHop\":\"fe80::1\",\"interfaceName\":\"c0\"}]}}}",
                "{\"routes\":{\"2001:db8::/64\":{\"isBestRoute\":true,\"nextHops\":[{\"nextHop\":\"fe80::1\"}]}}}",
                "{\"routes\":{\"2001:db8::/64\":{\"isBestRoute\":true,\"nextHops\":[{\"nextHop\":\"zz\",\"interfaceName\":\"c0\"}]}}}")) {
            assertThatThrownBy(() -> FrrReadback.computedRoutes(bad)).as(bad).isInstanceOf(MalformedPacketException.class);
        }
    }

    @Test
    void neighboursWithStateAndInterface() {
        List<Neighbour> n = FrrReadback.neighbours(Fixtures.resource("frr/show-ipv6-ospf6-neighbor-gateway-mesh6.json"));
        assertThat(n).containsExactly(new Neighbour("cluster0", "0.107.0.2", "Full", true),
                new Neighbour("cluster1", "0.107.0.6", "Full", true));
    }

    @Test
    void anAdjacencyThatIsNotFullIsReportedAsSuch() {
        String json = "{\"neighbors\":[{\"neighborId\":\"1.2.3.4\",\"state\":\"ExStart\",\"interfaceName\":\"cluster3\"}]}";
        assertThat(FrrReadback.neighbours(json)).containsExactly(new Neighbour("cluster3", "1.2.3.4", "ExStart", false));
    }

    @Test
    void nextHopsOutsideTheFibAreLeftOut() {
        String json = "{\"2001:db8::/64\":[{\"protocol\":\"ospf6\",\"installed\":true,\"nexthops\":["
                + "{\"fib\":true,\"ip\":\"fe80::1\",\"interfaceName\":\"cluster0\"},"
                + "{\"ip\":\"fe80::2\",\"interfaceName\":\"cluster1\"}]}]}";
        assertThat(FrrReadback.routes(json)).containsExactly(new Route(Ipv6Prefix.parse("2001:db8::/64"),
                List.of(new NextHop("cluster0", Ipv6Address.parse("fe80::1")))));
    }

    @Test
    void malformedReplies() {
        for (String bad : List.of("", "not json", "[1,2]", "{\"x\":[{\"protocol\":\"ospf6\",\"installed\":true,"
                + "\"nexthops\":[{\"fib\":true,\"ip\":\"fe80::1\"}]}]}",
                "{\"2001:db8::/64\":[{\"protocol\":\"ospf6\",\"installed\":true,\"nexthops\":[{\"fib\":true,\"ip\":\"zz\","
                        + "\"interfaceName\":\"c0\"}]}]}")) {
            assertThatThrownBy(() -> FrrReadback.routes(bad)).as(bad).isInstanceOf(MalformedPacketException.class);
        }
        assertThatThrownBy(() -> FrrReadback.neighbours("{}")).isInstanceOf(MalformedPacketException.class);
        assertThatThrownBy(() -> FrrReadback.neighbours("{\"neighbors\":[{\"state\":\"Full\"}]}"))
                .isInstanceOf(MalformedPacketException.class);
    }
}
