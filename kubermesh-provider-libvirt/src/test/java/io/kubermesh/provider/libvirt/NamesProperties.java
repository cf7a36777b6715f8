package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Every interface name the lab makes fits Linux's 15 characters, carries the prefix and is unique. */
class NamesProperties {
    @Provide
    Arbitrary<String> prefix() {
        return Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-").ofMaxLength(6).map(s -> "km" + s);
    }

    @Property
    void interfaceNamesFit(@ForAll("prefix") String prefix, @ForAll @IntRange(min = 1, max = Names.MAX_MACHINE_INDEX) int machine,
                           @ForAll @IntRange(min = 0, max = 7) int port,
                           @ForAll @IntRange(min = 1, max = Names.MAX_CABLE_ID) int cable) {
        Names n = new Names(prefix);
        for (String name : List.of(n.tap(machine, port), n.cableNetwork(cable), n.idleNetwork())) {
            assertThat(name).startsWith(prefix).hasSizeLessThanOrEqualTo(15);
        }
    }

    @Property(tries = 50)
    void namesOfDistinctThingsDiffer(@ForAll("prefix") String prefix) {
        Names n = new Names(prefix);
        Set<String> seen = new HashSet<>();
        seen.add(n.idleNetwork());
        for (int m = 1; m <= 120; m++) {
            for (int p = 0; p < 8; p++) {
                assertThat(seen.add(n.tap(m, p))).as("tap %d/%d", m, p).isTrue();
            }
        }
        for (int c = 1; c <= 2000; c++) {
            assertThat(seen.add(n.cableNetwork(c))).as("cable %d", c).isTrue();
        }
    }
}
