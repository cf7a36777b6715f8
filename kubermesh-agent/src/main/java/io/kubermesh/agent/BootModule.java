package io.kubermesh.agent;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import com.google.inject.multibindings.Multibinder;
import io.kubermesh.api.ClusterSpec;
import java.nio.file.Path;

/** Binds {@link BootPorts}, network boot on every mesh port, as one of the node's components. */
public final class BootModule extends AbstractModule {
    private final String clusterYaml;
    private final Path tftpRoot;

    /**
     * @param clusterYaml the cluster file's text, handed to booting machines in their Ignition config
     * @param tftpRoot where the iPXE binaries are
     */
    public BootModule(String clusterYaml, Path tftpRoot) {
        this.clusterYaml = clusterYaml;
        this.tftpRoot = tftpRoot;
    }

    @Override
    protected void configure() {
        Multibinder.newSetBinder(binder(), PortListener.class).addBinding().to(BootPorts.class);
    }

    @Provides
    @Singleton
    BootPorts boot(ClusterSpec spec, AgentSettings settings, EtcdMachineDirectory machines, ClusterEnrolment enrolment) {
        return new BootPorts(spec, settings, clusterYaml, tftpRoot, machines).withEnrolment(enrolment);
    }
}
