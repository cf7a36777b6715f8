package io.kubermesh.routing.daemon.bird;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import java.util.List;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.daemon.RoutingDaemonProvider;

/** The {@code bird} routing daemon provider: one BIRD 2 process per node. */
public final class BirdProvider implements RoutingDaemonProvider {
    /** The provider's name in configuration. */
    public static final String NAME = "bird";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RoutingDaemon create(NodeConfig config) {
        return new BirdDaemon(config);
    }

    @Override
    public List<Requirement> requirements() {
        return List.of(HostRequirements.BIRD);
    }
}
