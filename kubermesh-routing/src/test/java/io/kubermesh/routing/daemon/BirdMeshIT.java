package io.kubermesh.routing.daemon;

import io.kubermesh.routing.daemon.bird.BirdProvider;
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
}
