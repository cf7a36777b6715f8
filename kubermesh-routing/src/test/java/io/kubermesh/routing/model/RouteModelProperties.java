package io.kubermesh.routing.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Invariants of shortest paths with ECMP on random meshes (at most 8 cables per machine). */
class RouteModelProperties {
    @Provide
    Arbitrary<Topology> meshes() {
        return Combinators.combine(Arbitraries.integers().between(2, 24),
                Arbitraries.integers().between(0, 10_000).list().ofMaxSize(60)).as((n, seeds) -> {
                    int[] degree = new int[n];
                    List<int[]> pairs = new ArrayList<>();
                    for (int i = 0; i + 1 < seeds.size(); i += 2) {
                        int a = seeds.get(i) % n;
                        int b = seeds.get(i + 1) % n;
                        if (a != b && degree[a] < 8 && degree[b] < 8) {
                            degree[a]++;
                            degree[b]++;
                            pairs.add(new int[] {a, b});
                        }
                    }
                    return Topology.fromPairs(n, pairs.toArray(new int[0][]));
                });
    }

    private static String name(Topology t, int i) {
        return t.machines().get(i).name();
    }

    @Property(tries = 200)
    void distancesAreSymmetric(@ForAll("meshes") Topology t) {
        RouteModel m = Meshes.model(t);
        for (int a = 0; a < t.machines().size(); a++) {
            for (int b = 0; b < t.machines().size(); b++) {
                assertThat(m.distance(name(t, a), name(t, b))).isEqualTo(m.distance(name(t, b), name(t, a)));
            }
        }
    }

    /** The neighbours of {@code s}: interface name to the machine on the other end. */
    private static Map<String, String> neighbours(Topology t, String s) {
        Map<String, String> out = new java.util.HashMap<>();
        for (Cable c : t.cablesOf(s)) {
            Topology.PortRef own = c.a().machine().equals(s) ? c.a() : c.b();
            out.put("cluster" + own.port(), c.other(s).machine());
        }
        return out;
    }

    @Property(tries = 200)
    void ecmpSetsAreExactlyTheNeighboursOnShortestPaths(@ForAll("meshes") Topology t) {
        RouteModel m = Meshes.model(t);
        for (int s = 0; s < t.machines().size(); s++) {
            String src = name(t, s);
            Map<String, String> nb = neighbours(t, src);
            for (int d = 0; d < t.machines().size(); d++) {
                String dst = name(t, d);
                OptionalInt dist = m.distance(src, dst);
                Set<String> expected = new HashSet<>();
                if (s != d && dist.isPresent()) {
                    nb.forEach((iface, v) -> {
                        OptionalInt dv = m.distance(v, dst);
                        if (dv.isPresent() && dv.getAsInt() == dist.getAsInt() - 1) {
                            expected.add(iface);
                        }
                    });
                    assertThat(expected).isNotEmpty();
                }
                Set<String> actual = new HashSet<>();
                m.nextHops(src, dst).forEach(h -> actual.add(h.interfaceName()));
                assertThat(actual).as(src + " -> " + dst).isEqualTo(expected);
            }
        }
    }

    @Property(tries = 200)
    void everyNextHopStrictlyDecreasesTheDistance(@ForAll("meshes") Topology t) {
        RouteModel m = Meshes.model(t);
        for (int s = 0; s < t.machines().size(); s++) {
            String src = name(t, s);
            Map<String, String> nb = neighbours(t, src);
            for (Route r : m.routes(src)) {
                String dst = owner(t, r.destination());
                int d = m.distance(src, dst).getAsInt();
                for (NextHop h : r.nextHops()) {
                    assertThat(m.distance(nb.get(h.interfaceName()), dst)).hasValue(d - 1);
                }
            }
        }
    }

    private static String owner(Topology t, Ipv6Prefix p) {
        for (int i = 0; i < t.machines().size(); i++) {
            NodeBlock b = Meshes.block(i);
            if (b.block().contains(p)) {
                return name(t, i);
            }
        }
        throw new AssertionError(p + " belongs to no machine");
    }

    @Property(tries = 200)
    void aCutNeverShortensAPath(@ForAll("meshes") Topology t, @ForAll @IntRange(min = 0, max = 1000) int which) {
        if (t.cables().isEmpty()) {
            return;
        }
        RouteModel m = Meshes.model(t);
        RouteModel cut = m.withoutCable(t.cables().get(which % t.cables().size()));
        for (int a = 0; a < t.machines().size(); a++) {
            for (int b = 0; b < t.machines().size(); b++) {
                OptionalInt before = m.distance(name(t, a), name(t, b));
                OptionalInt after = cut.distance(name(t, a), name(t, b));
                if (after.isPresent()) {
                    assertThat(before).isPresent();
                    assertThat(after.getAsInt()).isGreaterThanOrEqualTo(before.getAsInt());
                }
            }
        }
    }

    @Property(tries = 100)
    void aLostMachineIsNeverANextHopNorADestination(@ForAll("meshes") Topology t, @ForAll @IntRange(min = 0, max = 1000) int which) {
        String gone = name(t, which % t.machines().size());
        RouteModel m = Meshes.model(t).withoutMachine(gone);
        NodeBlock b = Meshes.block(which % t.machines().size());
        for (int s = 0; s < t.machines().size(); s++) {
            String src = name(t, s);
            if (src.equals(gone)) {
                continue;
            }
            Map<String, String> nb = neighbours(t, src);
            for (Route r : m.routes(src)) {
                assertThat(b.block().contains(r.destination())).isFalse();
                r.nextHops().forEach(h -> assertThat(nb.get(h.interfaceName())).isNotEqualTo(gone));
            }
        }
    }

    @Property(tries = 100)
    void anycastGoesOnlyTowardsNearestHolders(@ForAll("meshes") Topology t, @ForAll @IntRange(min = 0, max = 1000) int h1,
                                              @ForAll @IntRange(min = 0, max = 1000) int h2) {
        Ipv6Address any = Ipv6Address.parse("fd65:7b9c:569:680::2");
        int n = t.machines().size();
        Set<String> holders = new HashSet<>(List.of(name(t, h1 % n), name(t, h2 % n)));
        RouteModel m = Meshes.model(t, Map.of(any, holders));
        for (int s = 0; s < n; s++) {
            String src = name(t, s);
            int nearest = holders.stream().map(h -> m.distance(src, h)).filter(OptionalInt::isPresent)
                    .mapToInt(OptionalInt::getAsInt).min().orElse(-1);
            Map<String, String> nb = neighbours(t, src);
            List<Route> r = m.routes(src).stream().filter(x -> x.destination().equals(new Ipv6Prefix(any, 128))).toList();
            if (holders.contains(src) || nearest < 0) {
                assertThat(r).isEmpty();
                continue;
            }
            assertThat(r).hasSize(1);
            for (NextHop hop : r.get(0).nextHops()) {
                String v = nb.get(hop.interfaceName());
                int dv = holders.stream().map(h -> m.distance(v, h)).filter(OptionalInt::isPresent)
                        .mapToInt(OptionalInt::getAsInt).min().orElseThrow();
                assertThat(dv).isEqualTo(nearest - 1);
            }
        }
    }

    @Property(tries = 30)
    void ringDistancesAreTheShorterWayRound(@ForAll @IntRange(min = 3, max = 40) int n) {
        RouteModel m = Meshes.model(Topology.ring(n));
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                int k = Math.abs(a - b);
                assertThat(m.distance(Topology.machineName(a), Topology.machineName(b))).hasValue(Math.min(k, n - k));
                // the antipode of an even ring is reached both ways round
                if (n % 2 == 0 && k == n / 2) {
                    assertThat(m.nextHops(Topology.machineName(a), Topology.machineName(b))).hasSize(2);
                }
            }
        }
    }

    @Property(tries = 30)
    void gridDistancesAreManhattan(@ForAll @IntRange(min = 1, max = 8) int rows, @ForAll @IntRange(min = 1, max = 8) int cols) {
        RouteModel m = Meshes.model(Topology.grid(rows, cols));
        for (int a = 0; a < rows * cols; a++) {
            for (int b = 0; b < rows * cols; b++) {
                int d = Math.abs(a / cols - b / cols) + Math.abs(a % cols - b % cols);
                assertThat(m.distance(Topology.machineName(a), Topology.machineName(b))).hasValue(d);
                // ECMP: two ways out exactly when both a row and a column must be crossed
                int want = a == b ? 0 : (a / cols != b / cols && a % cols != b % cols) ? 2 : 1;
                assertThat(m.nextHops(Topology.machineName(a), Topology.machineName(b))).hasSize(want);
            }
        }
    }
}
