package io.kubermesh.agent;

import com.google.inject.Guice;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * An agent process for ITs that must kill one (SIGKILL) and start it again: anycast health, the
 * control plane and the routing daemon, composed as {@code kubermesh agent} composes them (without
 * boot services unless {@code KM_TEST_BOOT=1} is in its environment: then with them, serving
 * {@code /usr/lib/ipxe} over TFTP). Arguments: CONFIG STATE NAME [--etcd-bootstrap].
 */
public final class TestAgentMain {
    private TestAgentMain() {
    }

    public static void main(String[] args) throws Exception {
        ClusterSpec spec = ClusterConfig.load(Path.of(args[0]));
        Path state = Files.createDirectories(Path.of(args[1]));
        AgentSettings settings = new AgentSettings(args[2], state, AgentSettings.DEFAULT_STUB);
        boolean bootstrap = args.length > 3 && args[3].equals("--etcd-bootstrap");
        List<PortListener> components = new java.util.ArrayList<>(List.of(
                new AnycastPorts(new io.kubermesh.addressing.AddressPlan(spec), settings, Clock.systemUTC()),
                new ControlPlanePorts(new io.kubermesh.addressing.AddressPlan(spec), settings, bootstrap, Clock.systemUTC())));
        if ("1".equals(System.getenv("KM_TEST_BOOT"))) {
            components.add(new BootPorts(spec, settings, Files.readString(Path.of(args[0])), Path.of("/usr/lib/ipxe")));
        }
        components.add(new RoutingPorts(spec, settings));
        Agent agent = Guice.createInjector(new AgentModule(spec, settings, components)).getInstance(Agent.class);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
        }));
        agent.start();
        System.err.println("test agent " + args[2] + " ready, host " + agent.network().node().host());
        stopped.await();
    }
}
