package io.kubermesh.routing.daemon;

import io.kubermesh.routing.daemon.frr.FrrProvider;
import org.junit.jupiter.api.BeforeAll;

/** {@link RogueSpeakerContract} with FRR: ospf6d on the mesh and on the rogue. */
class FrrRogueSpeakerIT extends RogueSpeakerContract {
    @BeforeAll
    static void requireFrr() {
        MeshRoutingContract.require("/usr/lib/frr/ospf6d", "frr");
        MeshRoutingContract.require("/usr/bin/vtysh", "frr");
    }

    @Override
    RoutingDaemonProvider provider() {
        return RoutingDaemons.provider(FrrProvider.NAME);
    }
}
