package io.kubermesh.addressing;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import io.kubermesh.api.AddressOwner;
import io.kubermesh.api.AddressOwner.Region;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The invariants of the address plan (ARCHITECTURE.md, "Properties the plan must keep"). */
class AddressPlanProperties {
    @Provide
    Arbitrary<ClusterSpec> specs() {
        return PlanArbitraries.specs();
    }

    @Provide
    Arbitrary<MacAddress> macs() {
        return PlanArbitraries.macs();
    }

    @Property
    void theBlockIsThePrefixOrTheMacShiftedPastIt(@ForAll("specs") ClusterSpec spec, @ForAll("macs") MacAddress mac) {
        // An independent oracle: BigInteger arithmetic and the IPAddress library's parser.
        int shift = 128 - spec.prefix().length() - 48;
        BigInteger prefix = new IPAddressString(spec.prefix().network().toString()).getAddress().getValue();
        BigInteger expected = prefix.or(BigInteger.valueOf(mac.value()).shiftLeft(shift));
        NodeBlock node = new AddressPlan(spec).node(mac);
        BigInteger actual = new IPAddressString(node.block().network().toString()).getAddress().getValue();
        assertThat(actual).isEqualTo(expected);
        assertThat(node.block().length()).isEqualTo(spec.prefix().length() + 48);
        assertThat(node.host()).isEqualTo(node.block().network().plus(spec.layout().hostOffset()));
    }

    @Property
    void everyRegionIsInsideItsBlock(@ForAll("specs") ClusterSpec spec, @ForAll("macs") MacAddress mac) {
        NodeBlock node = new AddressPlan(spec).node(mac);
        for (Ipv6Prefix region : regions(node)) {
            assertThat(node.block().contains(region)).as("%s inside %s", region, node.block()).isTrue();
        }
        assertThat(spec.prefix().contains(node.block())).isTrue();
    }

    @Property
    void theRegionsOfOneNodeArePairwiseDisjoint(@ForAll("specs") ClusterSpec spec, @ForAll("macs") MacAddress mac) {
        NodeBlock node = new AddressPlan(spec).node(mac);
        List<Ipv6Prefix> disjoint = new ArrayList<>();
        disjoint.add(node.hostRegion());
        disjoint.add(node.pods());
        node.ports().forEach(p -> disjoint.add(p.prefix()));
        for (int i = 0; i < disjoint.size(); i++) {
            for (int j = i + 1; j < disjoint.size(); j++) {
                assertThat(disjoint.get(i).overlaps(disjoint.get(j)))
                        .as("%s and %s", disjoint.get(i), disjoint.get(j)).isFalse();
            }
        }
        assertThat(node.portRegion().overlaps(node.hostRegion())).isFalse();
        assertThat(node.portRegion().overlaps(node.pods())).isFalse();
        node.ports().forEach(p -> assertThat(node.portRegion().contains(p.prefix())).isTrue());
    }

    @Property
    void blocksOfDistinctMacsAreDisjoint(@ForAll("specs") ClusterSpec spec, @ForAll("macs") MacAddress a,
                                         @ForAll("macs") MacAddress b) {
        Assume.that(!a.equals(b));
        AddressPlan plan = new AddressPlan(spec);
        assertThat(plan.block(a).overlaps(plan.block(b))).isFalse();
    }

    @Property
    void thePlanIsAPureFunctionOfItsInputs(@ForAll("specs") ClusterSpec spec, @ForAll("macs") MacAddress mac) {
        assertThat(new AddressPlan(spec).node(mac)).isEqualTo(new AddressPlan(spec).node(new MacAddress(mac.value())));
    }

    @Property
    void ownerInvertsThePlanForEveryAddressItHandsOut(@ForAll("specs") ClusterSpec spec, @ForAll("macs") MacAddress mac) {
        AddressPlan plan = new AddressPlan(spec);
        NodeBlock node = plan.node(mac);
        expectOwner(plan, node.host(), mac, Region.HOST, -1);
        for (int v = 1; v < 32; v++) {
            expectOwner(plan, node.vip(v), mac, Region.VIP, v);
        }
        for (PortPrefix p : node.ports()) {
            expectOwner(plan, p.thisEnd(), mac, Region.PORT, p.index());
            for (Ipv6Address pooled : p.pool()) {
                expectOwner(plan, pooled, mac, Region.PORT_POOL, p.index());
            }
        }
        expectOwner(plan, node.pods().network(), mac, Region.PODS, -1);
        expectOwner(plan, node.pods().last(), mac, Region.PODS, -1);
    }

    @Property
    void ownerOfAnyAddressInABlockNamesThatBlock(@ForAll("specs") ClusterSpec spec, @ForAll("macs") MacAddress mac,
                                                 @ForAll @IntRange(min = 0, max = 511) int offset) {
        AddressPlan plan = new AddressPlan(spec);
        Ipv6Prefix block = plan.block(mac);
        Ipv6Address a = block.address(offset);
        AddressOwner o = plan.owner(a).orElseThrow();
        assertThat(o.mac()).contains(mac);
        assertThat(o.block()).contains(block);
    }

    @Property
    void ownerRejectsAddressesOutsideTheCluster(@ForAll("specs") ClusterSpec spec, @ForAll long high, @ForAll long low) {
        Ipv6Address a = new Ipv6Address(high, low);
        Assume.that(!spec.prefix().contains(a) && !spec.anycastPrefix().contains(a));
        assertThat(new AddressPlan(spec).owner(a)).isEmpty();
    }

    @Property
    void textRoundTripsAndIsRfc5952(@ForAll long high, @ForAll long low, @ForAll @IntRange(min = 0, max = 7) int zeroRunStart,
                                    @ForAll @IntRange(min = 0, max = 8) int zeroRunLength) {
        // Put runs of zero groups in to exercise the compression rules.
        long[] halves = {high, low};
        for (int g = zeroRunStart; g < Math.min(8, zeroRunStart + zeroRunLength); g++) {
            halves[g / 4] &= ~(0xFFFFL << (48 - 16 * (g % 4)));
        }
        Ipv6Address a = new Ipv6Address(halves[0], halves[1]);
        String text = a.toString();
        assertThat(Ipv6Address.parse(text)).isEqualTo(a);
        IPv6Address oracle = new IPAddressString(text).getAddress().toIPv6();
        assertThat(text).isEqualTo(oracle.toCanonicalString());
    }

    private static void expectOwner(AddressPlan plan, Ipv6Address a, MacAddress mac, Region region, int index) {
        Optional<AddressOwner> o = plan.owner(a);
        assertThat(o).as("owner of %s", a).isPresent();
        assertThat(o.get().mac()).contains(mac);
        assertThat(o.get().region()).as("region of %s", a).isEqualTo(region);
        assertThat(o.get().index()).as("index of %s", a).isEqualTo(index);
    }

    private static List<Ipv6Prefix> regions(NodeBlock node) {
        List<Ipv6Prefix> out = new ArrayList<>(List.of(node.hostRegion(), node.portRegion(), node.pods()));
        node.ports().forEach(p -> out.add(p.prefix()));
        return out;
    }
}
