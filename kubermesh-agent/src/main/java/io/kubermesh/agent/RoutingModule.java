package io.kubermesh.agent;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.kubermesh.api.ClusterSpec;

/** Binds {@link RoutingPorts}, the node's routing daemon, as one of its components. */
public final class RoutingModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), PortListener.class).addBinding().to(RoutingPorts.class);
    }

    @Provides
    @Singleton
    RoutingPorts routing(ClusterSpec spec, AgentSettings settings, ClusterEnrolment enrolment) {
        return new RoutingPorts(spec, settings, enrolment.routingKeys());
    }
}
