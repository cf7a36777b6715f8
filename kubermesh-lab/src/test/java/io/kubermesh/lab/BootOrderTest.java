package io.kubermesh.lab;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Topology;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class BootOrderTest {
    @Test
    void theSeedBootsRingByRingFromTheGateway() {
        assertThat(BootOrder.layers(Topology.seed())).containsExactly(List.of("gateway"), List.of("kubermesh1"),
                List.of("kubermesh2", "kubermesh3"), List.of("kubermesh4"));
        assertThat(BootOrder.of(Topology.seed())).containsExactly("gateway", "kubermesh1", "kubermesh2", "kubermesh3",
                "kubermesh4");
        assertThat(BootOrder.layers(Topology.ring(3))).containsExactly(List.of("gateway"), List.of("kubermesh1", "kubermesh2"));
    }

    @Test
    void machinesWithoutAPathToTheGatewayComeLastTogether() {
        Topology t = new Topology(List.of(new Topology.Machine("gateway", 8), new Topology.Machine("a", 8),
                new Topology.Machine("b", 8)), List.of());
        assertThat(BootOrder.layers(t)).containsExactly(List.of("gateway"), List.of("a", "b"));
    }

    /** Every machine once; each one after the first has a cable to a machine of the ring before its own. */
    @Property(tries = 200)
    void everyRingHangsOnTheOneBefore(@ForAll @IntRange(min = 1, max = 6) int rows, @ForAll @IntRange(min = 1, max = 6) int columns) {
        Topology t = Topology.grid(rows, columns);
        List<List<String>> layers = BootOrder.layers(t);
        List<String> all = layers.stream().flatMap(List::stream).toList();
        assertThat(all).doesNotHaveDuplicates().hasSize(t.machines().size());
        Set<String> before = new HashSet<>(layers.get(0));
        for (List<String> ring : layers.subList(1, layers.size())) {
            for (String m : ring) {
                assertThat(t.cablesOf(m)).as(m).anyMatch(c -> before.contains(c.other(m).machine()));
            }
            before.addAll(ring);
        }
    }
}
