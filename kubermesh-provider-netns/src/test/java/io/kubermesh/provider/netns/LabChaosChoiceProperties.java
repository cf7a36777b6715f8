package io.kubermesh.provider.netns;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** The chaos of {@link LabChaosIT} draws only events the mesh is expected to heal from. */
class LabChaosChoiceProperties {
    private static final Topology GRID = Topology.grid(2, 3);
    private static final int QUORUM = 2;

    @Property
    void noKillTakesTheHealthyVotersBelowAQuorum(@ForAll long seed, @ForAll("members") Set<String> voters,
            @ForAll("members") Set<String> healthy, @ForAll @IntRange(max = 2) int offCount) {
        Set<String> off = new TreeSet<>(GRID.machines().stream().map(Topology.Machine::name)
                .filter(m -> !m.equals(Topology.GATEWAY) && !voters.contains(m)).limit(offCount).toList());
        Set<String> healthyVoters = new TreeSet<>(healthy);
        healthyVoters.retainAll(voters);
        Random random = new Random(seed);
        for (int i = 0; i < 50; i++) {
            Optional<LabChaosIT.Event> e = LabChaosIT.choose(random, GRID, off, new ArrayList<>(), voters, voters, healthyVoters,
                    QUORUM);
            e.filter(x -> x.kind() == LabChaosIT.Kind.kill && voters.contains(x.a())).ifPresent(x -> assertThat(
                    healthyVoters.stream().filter(v -> !v.equals(x.a())).count()).as(x + " with healthy voters " + healthyVoters)
                    .isGreaterThanOrEqualTo(QUORUM));
        }
    }

    @Property
    void aVoterMayBeKilledWhileAQuorumOfOthersStaysHealthy(@ForAll long seed) {
        Set<String> voters = Set.of("gateway", "kubermesh1", "kubermesh2", "kubermesh3");
        Random random = new Random(seed);
        boolean killedVoter = false;
        for (int i = 0; i < 400 && !killedVoter; i++) {
            killedVoter = LabChaosIT.choose(random, GRID, Set.of(), List.of(), voters, voters, voters, QUORUM)
                    .filter(x -> x.kind() == LabChaosIT.Kind.kill && voters.contains(x.a())).isPresent();
        }
        assertThat(killedVoter).as("a voter drawn to be killed when three others are healthy").isTrue();
    }

    @Provide
    Arbitrary<Set<String>> members() {
        return Arbitraries.of(GRID.machines().stream().map(Topology.Machine::name).toList()).set().ofMaxSize(4);
    }
}
