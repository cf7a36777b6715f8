package io.kubermesh.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.lab.RouteComparison.Hop;
import io.kubermesh.lab.RouteComparison.Match;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteComparisonTest {
    private static final Ipv6Prefix B = Ipv6Prefix.parse("2001:db8::b/128");
    private static final Ipv6Prefix B_PODS = Ipv6Prefix.parse("2001:db8:0:1::/120");
    private static final Ipv6Prefix C = Ipv6Prefix.parse("2001:db8::c/128");
    private static final Ipv6Prefix GONE = Ipv6Prefix.parse("2001:db8::d/128");
    private static final Ipv6Prefix PORT = Ipv6Prefix.parse("2001:db8::20/126");
    private static final NextHop H0 = hop("cluster0", "fe80::1");
    private static final NextHop H1 = hop("cluster1", "fe80::2");
    private static final NextHop H2 = hop("cluster2", "fe80::3");
    private static final Map<Ipv6Prefix, String> TARGETS = Map.of(B, "b host", B_PODS, "b pods", C, "c host",
            GONE, "d host");

    private static NextHop hop(String iface, String via) {
        return new NextHop(iface, Ipv6Address.parse(via));
    }

    @Test
    void matchTellsEqualSubsetMissingExtraAndOffPath() {
        assertThat(RouteComparison.match(Set.of(H0, H1), Set.of(H1, H0))).isEqualTo(Match.yes);
        assertThat(RouteComparison.match(Set.of(H0, H1), Set.of(H1))).isEqualTo(Match.subset);
        assertThat(RouteComparison.match(Set.of(H0, H1), Set.of())).isEqualTo(Match.missing);
        assertThat(RouteComparison.match(Set.of(), Set.of(H2))).isEqualTo(Match.extra);
        assertThat(RouteComparison.match(Set.of(H0, H1), Set.of(H0, H2))).isEqualTo(Match.no);
        assertThat(RouteComparison.match(Set.of(H0), Set.of(H2))).isEqualTo(Match.no);
        assertThat(Match.subset.onShortestPaths()).isTrue();
        assertThat(Match.no.onShortestPaths()).isFalse();
        assertThat(Match.missing.onShortestPaths()).isFalse();
    }

    @Test
    void everyPredictedAndEveryKnownInstalledDestinationIsListedOnce() {
        List<Route> predicted = List.of(new Route(B, List.of(H0, H1)), new Route(B_PODS, List.of(H0, H1)),
                new Route(C, List.of(H2)));
        // The kernel listing multipath hops one by one, a connected route, and a stale route to a machine gone.
        List<Route> installed = List.of(new Route(B, List.of(H1)), new Route(B, List.of(H0)), new Route(B_PODS, List.of(H1)),
                new Route(PORT, List.of(new NextHop("cluster0", null))), new Route(GONE, List.of(H0)));
        List<RouteComparison> out = RouteComparison.compare("a", predicted, installed, TARGETS);
        assertThat(out).extracting(RouteComparison::destination)
                .containsExactly("2001:db8::b/128", "2001:db8::c/128", "2001:db8::d/128", "2001:db8:0:1::/120");
        assertThat(out).extracting(RouteComparison::match).containsExactly(Match.yes, Match.missing, Match.extra, Match.subset);
        assertThat(out).extracting(RouteComparison::from).containsOnly("a");
        assertThat(out.get(0).target()).isEqualTo("b host");
        assertThat(out.get(0).installed()).containsExactly(new Hop("cluster0", "fe80::1"), new Hop("cluster1", "fe80::2"));
        assertThat(out.get(1).installed()).isEmpty();
        assertThat(out.get(2).predicted()).isEmpty();
        assertThat(out.get(3).predicted()).hasSize(2);
        assertThat(out.get(3).installed()).containsExactly(new Hop("cluster1", "fe80::2"));
    }

    @Test
    void aHopWithoutViaIsKeptAsNull() {
        List<RouteComparison> out = RouteComparison.compare("a", List.of(new Route(C, List.of(new NextHop("cluster3", null)))),
                List.of(new Route(C, List.of(new NextHop("cluster3", null)))), TARGETS);
        assertThat(out).singleElement().satisfies(r -> {
            assertThat(r.match()).isEqualTo(Match.yes);
            assertThat(r.installed()).containsExactly(new Hop("cluster3", null));
        });
    }

    @Test
    void anAnycastRouteTowardsAFartherHolderIsFartherNotNo() {
        RouteComparison towardsFarHolder = new RouteComparison("kubermesh4", "fd65::e/128", "anycast etcd",
                List.of(Hop.of(H1)), List.of(Hop.of(H0)), Match.no);
        assertThat(RouteComparison.towardsAHolder(towardsFarHolder, Set.of(H0, H1)).match()).isEqualTo(Match.farther);
        // A hop that leads to no holder stays "no", as does a host route, and a match that is not "no" is kept.
        assertThat(RouteComparison.towardsAHolder(towardsFarHolder, Set.of(H1)).match()).isEqualTo(Match.no);
        RouteComparison host = new RouteComparison("a", "2001:db8::b/128", "b host", List.of(Hop.of(H1)), List.of(Hop.of(H0)),
                Match.no);
        assertThat(RouteComparison.towardsAHolder(host, Set.of(H0, H1)).match()).isEqualTo(Match.no);
        RouteComparison subset = new RouteComparison("a", "fd65::e/128", "anycast etcd", List.of(Hop.of(H0), Hop.of(H1)),
                List.of(Hop.of(H0)), Match.subset);
        assertThat(RouteComparison.towardsAHolder(subset, Set.of(H0)).match()).isEqualTo(Match.subset);
        assertThat(Match.farther.onShortestPaths()).isFalse();
    }
}
