package io.kubermesh.routing.daemon;

import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology;
import io.kubermesh.routing.daemon.bird.BirdProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;

/** {@link MeshRoutingContract} with BIRD 2 (one process per node). */
class BirdMeshIT extends MeshRoutingContract {
    @BeforeAll
    static void requireBird() {
        require("/usr/sbin/bird", "bird2");
    }

    /** BIRD installs every equal-cost next hop, however far the destination. */
    @Override
    int exactEcmpWithin() {
        return Integer.MAX_VALUE;
    }

    @Override
    RoutingDaemonProvider provider() {
        return new BirdProvider();
    }

    /**
     * Three of the eight cables per run, chosen at random and printed with the seed
     * ({@code -Dkubermesh.whatif.seed=N} repeats a run): BIRD takes 5-7 s to restore each cable, by
     * its fixed timers (docs/performance.md, "Why BirdMeshIT takes 2.2x FrrMeshIT"), so all eight
     * and both machines made this one test 97 s of CI's time. FRR, the default daemon, still
     * checks every cable each run; over runs BIRD's sample covers every cable. The model's
     * predictions themselves are daemon-independent and property-tested.
     */
    @Override
    List<Cable> whatIfCables(Topology t) {
        List<Cable> all = new ArrayList<>(t.cables());
        Collections.shuffle(all, new Random(SEED));
        List<Cable> some = all.subList(0, Math.min(3, all.size()));
        System.out.println("BirdMeshIT what-if: cables " + some + " of " + all.size() + " (-Dkubermesh.whatif.seed=" + SEED + ")");
        return some;
    }

    /** One of the two machines of the full test, chosen with the same seed. */
    @Override
    List<String> whatIfMachines(Topology t) {
        List<String> both = super.whatIfMachines(t);
        String m = both.get(new Random(SEED + 1).nextInt(both.size()));
        System.out.println("BirdMeshIT what-if: machine " + m + " (-Dkubermesh.whatif.seed=" + SEED + ")");
        return List.of(m);
    }

    private static final long SEED = Long.getLong("kubermesh.whatif.seed", System.nanoTime());
}
