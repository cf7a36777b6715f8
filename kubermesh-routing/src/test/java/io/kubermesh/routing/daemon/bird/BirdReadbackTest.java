package io.kubermesh.routing.daemon.bird;

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

/** Replies captured from BIRD 2.0.12 in the ITs' meshes. */
class BirdReadbackTest {
    private static BirdReply capture(String name) {
        return BirdReply.decode(Fixtures.resource("bird/" + name));
    }

    @Test
    void exportedRoutesOfTheGridGateway() {
        List<Route> routes = BirdReadback.routes(capture("show-route-export-gateway-grid.txt"));
        assertThat(routes).hasSize(23).extracting(Route::destination).isSorted();
        Ipv6Address via = Ipv6Address.parse("fe80::b05c:fbff:fefd:f62a");
        assertThat(routes).contains(
                new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:400/128"), List.of(new NextHop("cluster1", via))),
                new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:b00/120"), List.of(new NextHop("cluster1", via))),
                new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:220/126"), List.of(new NextHop("cluster0", null))));
    }

    @Test
    void onlyTheBestRouteOfAPrefixCounts() {
        List<Route> routes = BirdReadback.routes(capture("show-route-all-interior-grid.txt"));
        // d00/120 is on kubermesh5's own stub: the direct route is best, the OSPF one second.
        Route own = routes.stream().filter(r -> r.destination().equals(Ipv6Prefix.parse("2001:db8::a4:a800:d600:d00/120")))
                .findFirst().orElseThrow();
        assertThat(own.nextHops()).containsExactly(new NextHop("stub0", null));
        assertThat(routes).contains(new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:700/120"),
                List.of(new NextHop("cluster0", Ipv6Address.parse("fe80::e8f6:97ff:fe47:a3f8")))));
    }

    @Test
    void equalCostNextHopsInACapture() {
        List<Route> routes = BirdReadback.routes(capture("show-route-export-gateway-grid-ecmp.txt"));
        assertThat(routes).hasSize(78);
        assertThat(routes).contains(new Route(Ipv6Prefix.parse("2001:db8::a4:a800:d600:c00/128"), List.of(
                new NextHop("cluster0", Ipv6Address.parse("fe80::447c:4eff:feb8:65cf")),
                new NextHop("cluster1", Ipv6Address.parse("fe80::b829:19ff:fecb:93b7")))));
        assertThat(routes).filteredOn(r -> r.nextHops().size() == 2).hasSizeGreaterThan(10);
    }

    @Test
    void equalCostNextHops() {
        String reply = "1007-Table master6:\n"
                + " 2001:db8::a4:a800:d600:800/128 unicast [kmospf 08:30:00.000] * I (150/30) [0.107.0.3]\n"
                + " \tvia fe80::1 on cluster0 weight 1\n"
                + " \tvia fe80::2 on cluster2 weight 1\n"
                + "0000 \n";
        assertThat(BirdReadback.routes(BirdReply.decode(reply))).containsExactly(new Route(
                Ipv6Prefix.parse("2001:db8::a4:a800:d600:800/128"),
                List.of(new NextHop("cluster0", Ipv6Address.parse("fe80::1")), new NextHop("cluster2", Ipv6Address.parse("fe80::2")))));
    }

    @Test
    void neighboursOfAnInteriorGridNode() {
        assertThat(BirdReadback.neighbours(capture("show-ospf-neighbors-interior-grid.txt"))).containsExactly(
                new Neighbour("cluster0", "0.107.0.2", "Full/PtP", true),
                new Neighbour("cluster1", "0.107.0.5", "Full/PtP", true),
                new Neighbour("cluster2", "0.107.0.7", "Full/PtP", true),
                new Neighbour("cluster3", "0.107.0.10", "Full/PtP", true));
    }

    @Test
    void anAdjacencyStillStartingIsNotFull() {
        String reply = "1013-kmospf:\n Router ID   \tPri\t     State     \tDTime\tInterface  Router IP\n"
                + " 0.107.0.2   \t  1\tExStart/PtP  \t 3.433\tcluster0   fe80::40de:7bff:fe81:7555\n0000 \n";
        assertThat(BirdReadback.neighbours(BirdReply.decode(reply)))
                .containsExactly(new Neighbour("cluster0", "0.107.0.2", "ExStart/PtP", false));
    }

    @Test
    void malformedRoutes() {
        for (String bad : List.of("1007-\tvia fe80::1 on cluster0\n0000 \n",
                "1007-not-a-prefix unicast [kmospf] * I\n \tdev cluster0\n0000 \n",
                "1007-2001:db8::/64 unicast [kmospf] * I\n \tvia zz on cluster0\n0000 \n",
                "1007-2001:db8::/64 unicast [kmospf] * I\n0000 \n")) {
            assertThatThrownBy(() -> BirdReadback.routes(BirdReply.decode(bad))).as(bad)
                    .isInstanceOf(MalformedPacketException.class);
        }
    }
}
