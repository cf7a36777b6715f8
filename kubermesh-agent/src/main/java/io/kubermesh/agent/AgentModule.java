package io.kubermesh.agent;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.time.Clock;
import java.util.List;

/**
 * Binds the agent's collaborators: the cluster spec and its plan, netlink in the agent's own
 * namespace, the system clock, and the port listeners (boot services, routing daemon) the
 * components register. Library classes take these in constructors and work without Guice.
 */
public final class AgentModule extends AbstractModule {
    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final List<PortListener> listeners;

    public AgentModule(ClusterSpec spec, AgentSettings settings, List<PortListener> listeners) {
        this.spec = spec;
        this.settings = settings;
        this.listeners = List.copyOf(listeners);
    }

    @Override
    protected void configure() {
        bind(ClusterSpec.class).toInstance(spec);
        bind(AgentSettings.class).toInstance(settings);
        bind(Clock.class).toInstance(Clock.systemUTC());
    }

    @Provides
    @Singleton
    AddressPlan plan(ClusterSpec cluster) {
        return new AddressPlan(cluster);
    }

    @Provides
    @Singleton
    Rtnetlink netlink() {
        return Rtnetlink.open();
    }

    @Provides
    List<PortListener> listeners() {
        return listeners;
    }
}
