package io.kubermesh.addressing;

import io.kubermesh.api.BootSpec;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.RegionLayout;
import io.kubermesh.api.RoutingSpec;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators of valid cluster specs (every prefix length up to /71, valid layouts) and node MACs. */
final class PlanArbitraries {
    static final Ipv6Prefix ANYCAST = Ipv6Prefix.parse("fd65:7b9c:569:680::/64");

    private PlanArbitraries() {
    }

    static Arbitrary<MacAddress> macs() {
        return Arbitraries.longs().between(1, MacAddress.MASK)
                .map(v -> v & ~(1L << 40))
                .filter(v -> v != 0)
                .map(MacAddress::new)
                .edgeCases(c -> c.add(MacAddress.parse("52:54:00:12:34:56"), new MacAddress(MacAddress.MASK & ~(1L << 40)),
                        new MacAddress(2), new MacAddress(1L << 47)));
    }

    static Arbitrary<Ipv6Prefix> clusterPrefixes() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(0, 71))
                .as((h, l, len) -> {
                    Ipv6Address a = new Ipv6Address(h, l).mask(len);
                    return new Ipv6Prefix(a, len);
                })
                .filter(p -> !p.overlaps(ANYCAST))
                .edgeCases(c -> c.add(Ipv6Prefix.parse("2001:db8::/71"), Ipv6Prefix.parse("2001:db8::/64"),
                        Ipv6Prefix.parse("2001:db8::/32")));
    }

    static Arbitrary<RegionLayout> layouts() {
        return Combinators.combine(Arbitraries.integers().between(0, 7), Arbitraries.integers().between(0, 7),
                Arbitraries.integers().between(1, 8)).as((h, p, n) -> {
                    int portSize = Integer.highestOneBit(n * 4) == n * 4 ? n * 4 : Integer.highestOneBit(n * 4) << 1;
                    try {
                        return Optional.of(new RegionLayout(h * 32, p * portSize, n));
                    } catch (ConfigurationException e) {
                        return Optional.<RegionLayout>empty();
                    }
                }).filter(Optional::isPresent).map(Optional::get)
                .edgeCases(c -> c.add(RegionLayout.DEFAULT));
    }

    static Arbitrary<ClusterSpec> specs() {
        return Combinators.combine(clusterPrefixes(), layouts()).as((prefix, layout) -> {
            try {
                return Optional.of(spec(prefix, layout));
            } catch (ConfigurationException e) {
                return Optional.<ClusterSpec>empty();
            }
        }).filter(Optional::isPresent).map(Optional::get);
    }

    static ClusterSpec spec(Ipv6Prefix prefix, RegionLayout layout) {
        return new ClusterSpec("test", prefix, layout, ANYCAST, List.of(), Ipv4Pools.DEFAULT, RoutingSpec.DEFAULT,
                BootSpec.DEFAULT);
    }
}
