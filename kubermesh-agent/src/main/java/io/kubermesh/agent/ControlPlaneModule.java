package io.kubermesh.agent;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.kubermesh.addressing.AddressPlan;
import java.time.Clock;

/** Binds {@link ControlPlanePorts}, the node's etcd member and IPv4 address, as one of its components. */
public final class ControlPlaneModule extends AbstractModule {
    private final boolean bootstrap;

    /** @param bootstrap true on the first machine: with no etcd data it starts a new etcd cluster */
    public ControlPlaneModule(boolean bootstrap) {
        this.bootstrap = bootstrap;
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), PortListener.class).addBinding().to(ControlPlanePorts.class);
    }

    @Provides
    @Singleton
    ControlPlanePorts controlPlane(AddressPlan plan, AgentSettings settings, Clock clock, EtcdMachineDirectory machines,
                                   ClusterEnrolment enrolment) {
        return new ControlPlanePorts(plan, settings, bootstrap, clock, machines, enrolment);
    }
}
