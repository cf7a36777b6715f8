package io.kubermesh.routing.daemon;

import io.kubermesh.routing.daemon.bird.BirdProvider;
import org.junit.jupiter.api.BeforeAll;

/** {@link RogueSpeakerContract} with BIRD 2 on the mesh and on the rogue. */
class BirdRogueSpeakerIT extends RogueSpeakerContract {
    @BeforeAll
    static void requireBird() {
        MeshRoutingContract.require("/usr/sbin/bird", "bird2");
    }

    @Override
    RoutingDaemonProvider provider() {
        return new BirdProvider();
    }
}
