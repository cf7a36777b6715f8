package io.kubermesh.provider.netns.machine;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.inject.Guice;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * While a blank lab machine's firmware waits on the network (DHCPv6, TFTP, HTTP: mostly waiting),
 * a background thread does the pure part of the agent's start-up that follows: it loads and
 * initialises the classes of Guice, the configuration parser, the address plan and the status
 * JSON, so the agent is ready sooner once the firmware hands over. It touches no network state and
 * its failure only costs the time it would have saved.
 */
final class AgentPreload {
    private AgentPreload() {
    }

    static Thread start() {
        Thread t = new Thread(AgentPreload::run, "agent-preload");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    private static void run() {
        try (InputStream in = ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            var spec = ClusterConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "seed");
            AddressPlan plan = new AddressPlan(spec);
            var node = plan.node(new MacAddress(0x5254_0000_0000L));
            Guice.createInjector(binder -> binder.bind(AddressPlan.class).toInstance(plan));
            new ObjectMapper().writeValueAsBytes(java.util.Map.of("host", node.host().toString(), "ports",
                    List.of(java.util.Map.of("index", 0, "prefix", node.port(0).prefix().toString()))));
            for (String c : List.of("io.kubermesh.agent.Agent", "io.kubermesh.agent.AgentModule", "io.kubermesh.agent.BootPorts",
                    "io.kubermesh.agent.RoutingPorts", "io.kubermesh.agent.NodeNetwork", "io.kubermesh.agent.StatusEndpoint", "io.kubermesh.agent.NodeStatus",
                    "io.kubermesh.addressing.identity.IdentityStore", "io.kubermesh.routing.daemon.RoutingDaemons",
                    "io.kubermesh.routing.daemon.frr.FrrDaemon", "io.kubermesh.routing.daemon.frr.FrrConfig",
                    "io.kubermesh.routing.daemon.Supervisor")) {
                Class.forName(c, true, AgentPreload.class.getClassLoader());
            }
        } catch (Exception | LinkageError e) {
            // Only a head start: the agent loads whatever this did not.
        }
    }
}
