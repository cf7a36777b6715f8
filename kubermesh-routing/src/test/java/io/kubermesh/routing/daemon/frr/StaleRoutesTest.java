package io.kubermesh.routing.daemon.frr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.daemon.Fixtures;
import io.kubermesh.routing.daemon.Neighbour;
import io.kubermesh.routing.daemon.frr.FrrReadback.Advertised;
import io.kubermesh.routing.daemon.frr.FrrReadback.InstalledRoute;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The stale-route audit on what one {@code vtysh} run printed on node a (router id 1.1.1.1) of a
 * triangle a-b-c under FRR 8.4.4 (ports kmab to b, kmac to c, every port cost 10, stub prefixes
 * metric 10): once converged, and once with kmab's cost raised to 100 by hand, which leaves b's
 * prefixes through c at cost 30, the shape the lab saw ospf6d leave behind on its own.
 */
class StaleRoutesTest {
    private static final Ipv6Address VIA_C = Ipv6Address.parse("fe80::c88:9fff:fea5:84ce");

    private static List<StaleRoutes.Stale> audit(String resource) {
        List<String> parts = FrrReadback.split(Fixtures.resource(resource), 3);
        return StaleRoutes.find("1.1.1.1", FrrReadback.neighbours(parts.get(0)), FrrReadback.intraAreaPrefixes(parts.get(1)),
                FrrReadback.installedRoutes(parts.get(2)), FrrReadback.ospf6Prefixes(parts.get(2)), FrrConfig.COST);
    }

    @Test
    void aConvergedTriangleHasNoStaleRoute() {
        assertThat(audit("frr/audit-triangle-healthy.txt")).isEmpty();
    }

    @Test
    void aFullNeighboursPrefixesRoutedTheLongWayAreStale() {
        List<StaleRoutes.Stale> stale = audit("frr/audit-triangle-stale.txt");
        assertThat(stale).extracting(StaleRoutes.Stale::prefix)
                .containsExactly(Ipv6Prefix.parse("2001:db8::b/128"), Ipv6Prefix.parse("2001:db8:b::/120"));
        assertThat(stale).allSatisfy(s -> {
            assertThat(s.neighbour()).isEqualTo("2.2.2.2");
            assertThat(s.port()).isEqualTo("kmab");
            assertThat(s.expectedMetric()).isEqualTo(20);
            assertThat(s.installed().metric()).isEqualTo(30);
            assertThat(s.installed().nextHops()).containsExactly(new NextHop("kmac", VIA_C));
        });
        assertThat(stale.get(0).describe()).isEqualTo("2001:db8::b/128 is announced by full neighbour 2.2.2.2 on kmab (cost 20)"
                + " but installed at cost 30 via [kmac fe80::c88:9fff:fea5:84ce]");
    }

    @Test
    void theDatabaseListsEveryRoutersStubPrefixes() {
        List<String> parts = FrrReadback.split(Fixtures.resource("frr/audit-triangle-healthy.txt"), 3);
        assertThat(FrrReadback.intraAreaPrefixes(parts.get(1))).containsExactlyInAnyOrder(
                new Advertised("1.1.1.1", Ipv6Prefix.parse("2001:db8::a/128"), 10),
                new Advertised("1.1.1.1", Ipv6Prefix.parse("2001:db8:a::/120"), 10),
                new Advertised("2.2.2.2", Ipv6Prefix.parse("2001:db8::b/128"), 10),
                new Advertised("2.2.2.2", Ipv6Prefix.parse("2001:db8:b::/120"), 10),
                new Advertised("3.3.3.3", Ipv6Prefix.parse("2001:db8::c/128"), 10),
                new Advertised("3.3.3.3", Ipv6Prefix.parse("2001:db8:c::/120"), 10));
        assertThat(FrrReadback.installedRoutes(parts.get(2))).extracting(InstalledRoute::metric).containsOnly(20);
    }

    private static final Ipv6Prefix X = Ipv6Prefix.parse("2001:db8::9/128");

    private static InstalledRoute route(int metric, String... ports) {
        return new InstalledRoute(X, metric, java.util.Arrays.stream(ports).map(p -> new NextHop(p, VIA_C)).toList());
    }

    @Test
    void onlyFullNeighboursOneCableAwayCount() {
        List<Advertised> byB = List.of(new Advertised("2.2.2.2", X, 10));
        // b is not full (yet): its prefix may go the long way.
        assertThat(StaleRoutes.find("1.1.1.1", List.of(new Neighbour("kmab", "2.2.2.2", "Loading", false)), byB,
                List.of(route(30, "kmac")), Set.of(X), 10)).isEmpty();
        assertThat(StaleRoutes.find("1.1.1.1", List.of(new Neighbour("kmab", "2.2.2.2", "Loading", false)), byB,
                List.of(), Set.of(), 10)).isEmpty();
        // This node's own announcement is never stale here.
        assertThat(StaleRoutes.find("2.2.2.2", List.of(new Neighbour("kmab", "2.2.2.2", "Full", true)), byB,
                List.of(route(30, "kmac")), Set.of(X), 10)).isEmpty();
    }

    @Test
    void aFullNeighboursPrefixWithNoOspf6RouteAtAllIsStaleOneThatLostToAConnectedRouteIsNot() {
        List<Neighbour> full = List.of(new Neighbour("kmab", "2.2.2.2", "Full", true));
        List<Advertised> byB = List.of(new Advertised("2.2.2.2", X, 10));
        List<StaleRoutes.Stale> stale = StaleRoutes.find("1.1.1.1", full, byB, List.of(), Set.of(), 10);
        assertThat(stale).hasSize(1);
        assertThat(stale.get(0).port()).isEqualTo("kmab");
        assertThat(stale.get(0).installed()).isNull();
        assertThat(stale.get(0).describe()).isEqualTo("2001:db8::9/128 is announced by full neighbour 2.2.2.2 on kmab (cost 20)"
                + " but not routed at all");
        // ospf6d computed it, and another route (connected) was installed instead: not stale.
        assertThat(StaleRoutes.find("1.1.1.1", full, byB, List.of(), Set.of(X), 10)).isEmpty();
        // This node announces the prefix too (an anycast address both hold): its own route serves it.
        List<Advertised> both = List.of(new Advertised("2.2.2.2", X, 10), new Advertised("1.1.1.1", X, 10));
        assertThat(StaleRoutes.find("1.1.1.1", full, both, List.of(), Set.of(), 10)).isEmpty();
    }

    @Test
    void equalCostMustIncludeTheNeighboursPortCheaperIsFine() {
        List<Neighbour> full = List.of(new Neighbour("kmab", "2.2.2.2", "Full", true), new Neighbour("kmac", "3.3.3.3", "Full", true));
        List<Advertised> anycast = List.of(new Advertised("2.2.2.2", X, 10), new Advertised("3.3.3.3", X, 10));
        assertThat(StaleRoutes.find("1.1.1.1", full, anycast, List.of(route(20, "kmab", "kmac")), Set.of(X), 10)).isEmpty();
        assertThat(StaleRoutes.find("1.1.1.1", full, anycast, List.of(route(20, "kmac")), Set.of(X), 10))
                .extracting(StaleRoutes.Stale::port).containsExactly("kmab");
        // Another holder announces the prefix cheaper: the route through it wins, and is right.
        List<Advertised> cheaper = List.of(new Advertised("2.2.2.2", X, 10), new Advertised("3.3.3.3", X, 1));
        assertThat(StaleRoutes.find("1.1.1.1", full, cheaper, List.of(route(11, "kmac")), Set.of(X), 10)).isEmpty();
    }

    @Test
    void zebrasOspf6RoutesThatLostStillCountAsComputed() {
        String routes = "{\"2001:db8::a4:a800:2:20/126\":[{\"protocol\":\"ospf6\",\"installed\":false,\"metric\":20,"
                + "\"nexthops\":[{\"ip\":\"fe80::1\",\"interfaceName\":\"cluster0\"}]},"
                + "{\"protocol\":\"connected\",\"selected\":true,\"installed\":true,\"nexthops\":[{\"fib\":true,"
                + "\"directlyConnected\":true,\"interfaceName\":\"cluster0\"}]}],"
                + "\"2001:db8::b/128\":[{\"protocol\":\"ospf6\",\"installed\":true,\"metric\":20,"
                + "\"nexthops\":[{\"fib\":true,\"ip\":\"fe80::1\",\"interfaceName\":\"cluster0\"}]}]}";
        assertThat(FrrReadback.ospf6Prefixes(routes)).containsExactlyInAnyOrder(Ipv6Prefix.parse("2001:db8::a4:a800:2:20/126"),
                Ipv6Prefix.parse("2001:db8::b/128"));
        assertThat(FrrReadback.installedRoutes(routes)).extracting(InstalledRoute::destination)
                .containsExactly(Ipv6Prefix.parse("2001:db8::b/128"));
        assertThatThrownBy(() -> FrrReadback.ospf6Prefixes("{\"not-a-prefix\":[{\"protocol\":\"ospf6\"}]}"))
                .isInstanceOf(MalformedPacketException.class);
    }

    @Test
    void lsasBeingFlushedAreLeftOut() {
        String db = "{\"areaScopedLinkStateDb\":[{\"areaId\":\"0.0.0.0\",\"lsa\":[{\"age\":3600,\"type\":\"Intra-Prefix\","
                + "\"advertisingRouter\":\"2.2.2.2\",\"prefix\":[{\"prefix\":\"2001:db8::b/128\",\"metric\":10}]}]}]}";
        assertThat(FrrReadback.intraAreaPrefixes(db)).isEmpty();
        assertThat(FrrReadback.intraAreaPrefixes(db.replace("3600", "3599"))).hasSize(1);
    }

    @Test
    void malformedAuditReplies() {
        for (String bad : List.of("{}", "{\"areaScopedLinkStateDb\":{}}",
                "{\"areaScopedLinkStateDb\":[{\"lsa\":[{\"type\":\"Intra-Prefix\",\"age\":1}]}]}",
                "{\"areaScopedLinkStateDb\":[{\"lsa\":[{\"type\":\"Intra-Prefix\",\"advertisingRouter\":\"2.2.2.2\"}]}]}",
                "{\"areaScopedLinkStateDb\":[{\"lsa\":[{\"type\":\"Intra-Prefix\",\"advertisingRouter\":\"2.2.2.2\",\"age\":1,"
                        + "\"prefix\":[{\"prefix\":\"2001:db8::b/128\"}]}]}]}",
                "{\"areaScopedLinkStateDb\":[{\"lsa\":[{\"type\":\"Intra-Prefix\",\"advertisingRouter\":\"2.2.2.2\",\"age\":1,"
                        + "\"prefix\":[{\"prefix\":\"not-a-prefix\",\"metric\":10}]}]}]}")) {
            assertThatThrownBy(() -> FrrReadback.intraAreaPrefixes(bad)).as(bad).isInstanceOf(MalformedPacketException.class);
        }
        // zebra's route without a cost cannot be audited.
        assertThatThrownBy(() -> FrrReadback.installedRoutes("{\"2001:db8::/64\":[{\"protocol\":\"ospf6\",\"installed\":true,"
                + "\"nexthops\":[{\"fib\":true,\"ip\":\"fe80::1\",\"interfaceName\":\"c0\"}]}]}"))
                .isInstanceOf(MalformedPacketException.class).hasMessageContaining("no metric");
        // vtysh printed fewer objects than commands, or something that is not JSON.
        assertThatThrownBy(() -> FrrReadback.split("{}{}", 3)).isInstanceOf(MalformedPacketException.class)
                .hasMessageContaining("2 JSON objects, not 3");
        assertThatThrownBy(() -> FrrReadback.split("{} % Unknown command", 2)).isInstanceOf(MalformedPacketException.class);
        assertThat(FrrReadback.split("{\"a\":1}\n{\"b\":2}\n", 2)).containsExactly("{\"a\":1}", "{\"b\":2}");
    }
}
