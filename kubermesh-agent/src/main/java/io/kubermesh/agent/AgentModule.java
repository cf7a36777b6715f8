package io.kubermesh.agent;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Binds the agent's collaborators: the cluster spec and its plan, netlink in the agent's own
 * namespace, the system clock, the machine records shared through etcd, and the node components
 * (port listeners): those given here first, then those the component modules
 * ({@link AnycastModule}, {@link ControlPlaneModule}, {@link BootModule}, {@link RoutingModule})
 * add, in the order the modules are installed, which is the order they stop in. Library classes
 * take these in constructors and work without Guice.
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
        Multibinder.newSetBinder(binder(), PortListener.class);
    }

    /** Machine records shared between the boot services of every node, through etcd once it is up. */
    @Provides
    @Singleton
    EtcdMachineDirectory machines() {
        return new EtcdMachineDirectory(Duration.ofSeconds(2));
    }

    /** Who may join, and what an admitted machine is given: asked by the boot services and the etcd leader. */
    @Provides
    @Singleton
    ClusterEnrolment enrolment(AddressPlan plan, AgentSettings settings, Clock clock) {
        return new ClusterEnrolment(plan, settings, clock);
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
    List<PortListener> listeners(Set<PortListener> components) {
        List<PortListener> out = new ArrayList<>(listeners);
        out.addAll(components);
        return out;
    }
}
