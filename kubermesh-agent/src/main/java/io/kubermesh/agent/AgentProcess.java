package io.kubermesh.agent;

import com.google.inject.Guice;
import com.google.inject.Module;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The agent as a process, composed once here and used by {@code kubermesh agent} and by every
 * substrate's machine entry point: the cluster file is read, the node's components are bound with
 * Guice (one module each), the agent starts and runs until SIGTERM or SIGINT, then removes what
 * it added.
 */
public final class AgentProcess {
    private AgentProcess() {
    }

    /**
     * The modules of a node, in stop order: anycast withdrawn first, then etcd, boot services,
     * routing last.
     */
    public static List<Module> modules(ClusterSpec spec, String clusterYaml, AgentSettings settings, AgentOptions options) {
        List<PortListener> setup = options.setupResult() == null ? List.of()
                : List.of(new NodeSetupResult(options.setupResult(), java.time.Clock.systemUTC()));
        return List.of(new AgentModule(spec, settings, setup), new AnycastModule(),
                new ControlPlaneModule(options.etcdBootstrap()), new BootModule(clusterYaml, options.tftpRoot()),
                new RoutingModule());
    }

    /** An agent composed from {@code options}, not started. */
    public static Agent create(AgentOptions options) {
        try {
            String yaml = Files.readString(options.config());
            ClusterSpec spec = ClusterConfig.parse(yaml, options.config().toString());
            Files.createDirectories(options.state());
            String name = options.name() != null ? options.name() : InetAddress.getLocalHost().getHostName();
            AgentSettings settings = new AgentSettings(name, options.state(), options.stub());
            return Guice.createInjector(modules(spec, yaml, settings, options)).getInstance(Agent.class);
        } catch (IOException e) {
            throw new KubermeshException("cannot start the agent with " + options.config() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the agent until the process is asked to stop; returns 0 then. {@code log} gets the
     * ready line (timestamped, like the firmware's lines: the join benchmark takes "agent ready"
     * from it).
     */
    public static int run(AgentOptions options, PrintStream log) throws InterruptedException {
        Agent agent = create(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        agent.start();
        log.println(Instant.now() + " kubermesh agent " + agent.status().name() + ": identity " + agent.identity().mac()
                + ", host " + agent.network().node().host() + "; control at " + options.state().resolve(StatusEndpoint.SOCKET));
        stopped.await();
        return 0;
    }
}
