package io.kubermesh.agent;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.kubermesh.addressing.AddressPlan;
import java.time.Clock;

/** Binds {@link AnycastPorts}, the node's anycast health checks, as one of its components. */
public final class AnycastModule extends AbstractModule {
    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), PortListener.class).addBinding().to(AnycastPorts.class);
    }

    @Provides
    @Singleton
    AnycastPorts anycast(AddressPlan plan, AgentSettings settings, Clock clock) {
        return new AnycastPorts(plan, settings, clock);
    }
}
