package io.kubermesh.cli;

import com.google.inject.Guice;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.agent.Agent;
import io.kubermesh.agent.AgentModule;
import io.kubermesh.agent.AgentSettings;
import io.kubermesh.agent.AnycastPorts;
import io.kubermesh.agent.ControlPlanePorts;
import io.kubermesh.agent.BootPorts;
import io.kubermesh.agent.EtcdMachineDirectory;
import io.kubermesh.agent.RoutingPorts;
import io.kubermesh.api.ClusterSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubermesh agent --config FILE}: the node runtime, until SIGTERM or SIGINT. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Runs the node agent: addresses, ports, boot services, routing, status. Stops on SIGTERM.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", required = true, description = "The cluster YAML file.")
    Path config;

    @Option(names = "--state", paramLabel = "DIR", defaultValue = "/var/lib/kubermesh",
            description = "The node's state directory (default: ${DEFAULT-VALUE}).")
    Path state;

    @Option(names = "--name", paramLabel = "NAME", description = "The node's name in status (default: the host name).")
    String name;

    @Option(names = "--stub", paramLabel = "IFACE", defaultValue = AgentSettings.DEFAULT_STUB,
            description = "The stub interface for the host /128 (default: ${DEFAULT-VALUE}).")
    String stub;

    @Option(names = "--etcd-bootstrap", description = "With no etcd data, start a new one-member etcd cluster that the"
            + " other machines join (the first machine only: the gateway, the USB-booted seed).")
    boolean etcdBootstrap;

    @Override
    public Integer call() throws Exception {
        ClusterSpec spec = ClusterConfig.load(config);
        Files.createDirectories(state);
        String nodeName = name != null ? name : java.net.InetAddress.getLocalHost().getHostName();
        AgentSettings settings = new AgentSettings(nodeName, state, stub);
        // Machine records shared between the boot services of every node, through etcd once it is up.
        EtcdMachineDirectory machines = new EtcdMachineDirectory(java.time.Duration.ofSeconds(2));
        // Who may join, and what an admitted machine is given: asked by the boot services and the etcd leader.
        io.kubermesh.agent.ClusterEnrolment enrolment = new io.kubermesh.agent.ClusterEnrolment(spec, settings, Clock.systemUTC());
        // Stopped in this order: anycast withdrawn first, then etcd, boot services, routing last.
        Agent agent = Guice.createInjector(new AgentModule(spec, settings, List.of(
                new AnycastPorts(spec, settings, Clock.systemUTC()),
                new ControlPlanePorts(spec, settings, etcdBootstrap, Clock.systemUTC(), machines, enrolment),
                new BootPorts(spec, settings, Files.readString(config), Path.of("/usr/lib/ipxe"), machines).withEnrolment(enrolment),
                new RoutingPorts(spec, settings))))
                .getInstance(Agent.class);
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            agent.close();
            stopped.countDown();
        }, "agent-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        agent.start();
        // Timestamped like the firmware's lines: the benchmark takes "agent ready" from it.
        System.err.println(java.time.Instant.now() + " kubermesh agent " + nodeName + ": identity " + agent.identity().mac() + ", host "
                + agent.network().node().host() + "; status at " + state.resolve("agent.sock"));
        stopped.await();
        return 0;
    }
}
