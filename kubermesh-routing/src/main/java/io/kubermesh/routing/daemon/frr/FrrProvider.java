package io.kubermesh.routing.daemon.frr;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import java.util.List;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.daemon.RoutingDaemonProvider;

/** The {@code frr} routing daemon provider (the default): zebra, ospf6d and bfdd per node. */
public final class FrrProvider implements RoutingDaemonProvider {
    /** The provider's name in configuration. */
    public static final String NAME = "frr";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public RoutingDaemon create(NodeConfig config) {
        return new FrrDaemon(config);
    }

    @Override
    public List<Requirement> requirements() {
        return List.of(HostRequirements.ZEBRA, HostRequirements.BFDD, HostRequirements.OSPF6D, HostRequirements.VTYSH);
    }
}
