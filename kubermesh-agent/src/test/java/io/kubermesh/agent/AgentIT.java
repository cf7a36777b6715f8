package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.agent.control.UnixAgentChannel;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.netlink.InterfaceAddress;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent in a real namespace (kmag-*): addresses from the plan, ports followed through netlink events. */
class AgentIT {
    private static final MacAddress A0 = MacAddress.parse("52:54:00:aa:00:00");
    private static final MacAddress A1 = MacAddress.parse("52:54:00:aa:00:01");
    private final AddressPlan plan = new AddressPlan(ClusterConfig.seed());
    private final List<String> events = new CopyOnWriteArrayList<>();
    @TempDir
    Path state;

    @BeforeEach
    void namespaces() {
        if (!"0".equals(uid())) {
            fail("AgentIT needs root (network namespaces); run the build as root");
        }
        for (String ns : List.of("kmag-a", "kmag-b", "kmag-c")) {
            NetworkNamespaces.delete(ns);
            NetworkNamespaces.create(ns);
        }
        try (Rtnetlink a = Rtnetlink.open("kmag-a")) {
            // Loopback up, as on any booted machine: the node reaches its own addresses through it.
            a.setUp("lo", true);
            a.createVeth("cluster0", A0, "cluster3", MacAddress.parse("52:54:00:bb:00:03"), Optional.of("kmag-b"));
        }
    }

    @AfterEach
    void cleanUp() {
        for (String ns : List.of("kmag-a", "kmag-b", "kmag-c")) {
            NetworkNamespaces.delete(ns);
        }
    }

    private static String uid() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+")[1]).findFirst().orElse("");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private Agent agent(Rtnetlink nl) {
        PortListener recorder = new PortListener() {
            @Override
            public void portUp(PortPrefix port) {
                events.add("up " + port.index());
            }

            @Override
            public void portDown(PortPrefix port) {
                events.add("down " + port.index());
            }
        };
        return new Agent(new AgentSettings("a", state, AgentSettings.DEFAULT_STUB), plan, nl, Clock.systemUTC(),
                List.of(recorder));
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(50);
        }
        fail("timed out waiting for " + what);
    }

    /**
     * A mesh port skips duplicate address detection: the link-local address the kernel makes when
     * the cable's far end comes up is usable from its first appearance, not tentative for the
     * 1-2 s of the detection (random delay, one probe, the 1 s retransmission timer) while a
     * booting neighbour already asks for its address.
     */
    @Test
    void aPortsLinkLocalAddressIsUsableAsSoonAsItsCableCarriesALink() throws Exception {
        try (Rtnetlink nl = Rtnetlink.open("kmag-a"); Agent agent = agent(nl)) {
            agent.start();
            NodeBlock node = plan.node(A0);
            await("port 0 configured", () -> nl.addresses("cluster0").stream()
                    .anyMatch(a -> a.address().equals(node.port(0).thisEnd())));
            assertThat(nl.addresses("cluster0")).noneMatch(a -> a.address().isLinkLocal());
            try (Rtnetlink b = Rtnetlink.open("kmag-b")) {
                b.setUp("cluster3", true);
            }
            InterfaceAddress[] first = new InterfaceAddress[1];
            await("port 0's link-local address", () -> {
                first[0] = nl.addresses("cluster0").stream().filter(a -> a.address().isLinkLocal()).findFirst().orElse(null);
                return first[0] != null;
            });
            assertThat(first[0].tentative()).as("port 0's link-local address when it appeared: %s", first[0]).isFalse();
            assertThat(nl.forwarding("all")).as("a router, where the kernel never makes a link-local address optimistic").isTrue();
        }
    }

    @Test
    void theAgentGivesItselfThePlansAddressesAndFollowsItsCables() throws Exception {
        try (Rtnetlink nl = Rtnetlink.open("kmag-a"); Agent agent = agent(nl)) {
            agent.start();
            assertThat(agent.identity().mac()).isEqualTo(A0);
            NodeBlock node = plan.node(A0);
            assertThat(nl.addresses(AgentSettings.DEFAULT_STUB)).extracting(InterfaceAddress::address).contains(node.host());
            await("port 0 configured", () -> nl.addresses("cluster0").stream()
                    .anyMatch(a -> a.address().equals(node.port(0).thisEnd())));
            InterfaceAddress port0 = nl.addresses("cluster0").stream()
                    .filter(a -> a.address().equals(node.port(0).thisEnd())).findFirst().orElseThrow();
            assertThat(port0.prefixLength()).isEqualTo(126);
            assertThat(port0.lifetime().preferredSeconds()).isZero();
            assertThat(nl.forwarding("all")).isTrue();
            await("port 0 announced", () -> events.contains("up 0"));

            // Plug a second cable: it is configured and announced.
            nl.createVeth("cluster1", A1, "cluster0", MacAddress.parse("52:54:00:cc:00:00"), Optional.of("kmag-c"));
            await("port 1 configured", () -> nl.addresses("cluster1").stream()
                    .anyMatch(a -> a.address().equals(node.port(1).thisEnd())));
            await("port 1 announced", () -> events.contains("up 1"));

            // The neighbour reaches this end over the new cable (link-local DAD may take a moment).
            NodeStatus s = StatusEndpoint.read(state);
            assertThat(s.identity()).isEqualTo(A0.toString());
            assertThat(s.host()).isEqualTo(node.host().toString());
            assertThat(s.ports()).extracting(NodeStatus.Port::index).containsExactly(0, 1);

            // The same socket answers the rest of the control protocol, several requests on one connection.
            try (AgentClient client = new AgentClient(UnixAgentChannel.connect(state.resolve(StatusEndpoint.SOCKET)))) {
                assertThat(client.routes().routes()).extracting(ControlAnswers.InstalledRoute::destination)
                        .contains(node.port(0).prefix().toString(), node.port(1).prefix().toString());
                // A port has its link-local address once its cable carries a link: bring the far ends up.
                try (Rtnetlink b = Rtnetlink.open("kmag-b"); Rtnetlink c = Rtnetlink.open("kmag-c")) {
                    b.setUp("cluster3", true);
                    c.setUp("cluster0", true);
                }
                await("link-local addresses on both ports", () -> client.neighbours().ports().stream()
                        .filter(p -> p.linkLocal() != null && p.linkLocal().startsWith("fe80:")).count() == 2);
                // An echo from the node to its own host address comes back; one to an address with no route does not.
                List<ControlAnswers.Probe> probes = client.probe(List.of(node.host().toString(), "2001:db8:ffff::1")).probes();
                assertThat(probes).extracting(ControlAnswers.Probe::reachable).containsExactly(true, false);
                assertThat(probes.get(0).millis()).isNotNull();
                assertThat(client.status().identity()).isEqualTo(A0.toString());
            }

            // Taken down administratively at this end (a cut, an operator): it stays down; turned up
            // again, it has its address back.
            nl.setUp("cluster1", false);
            Thread.sleep(1500);
            assertThat(nl.link("cluster1").orElseThrow().up()).as("cluster1 after a down of its own").isFalse();
            nl.setUp("cluster1", true);
            await("port 1's address back after it was turned up", () -> nl.addresses("cluster1").stream()
                    .anyMatch(a -> a.address().equals(node.port(1).thisEnd())));
            assertThat(nl.link("cluster1").orElseThrow().up()).isTrue();

            // Pull it out: forgotten and announced.
            nl.deleteLink("cluster1");
            await("port 1 down", () -> events.contains("down 1"));
            assertThat(StatusEndpoint.read(state).ports()).extracting(NodeStatus.Port::index).containsExactly(0);
        }
        try (Rtnetlink nl = Rtnetlink.open("kmag-a")) {
            assertThat(nl.link(AgentSettings.DEFAULT_STUB)).isEmpty();
            assertThat(nl.addresses("cluster0")).noneMatch(a -> a.address().equals(plan.node(A0).port(0).thisEnd()));
        }
        assertThat(events).endsWith("down 0");
    }

    /**
     * Routing starts before the other components and is given the ports at once, so the node's
     * adjacencies form while the control plane and the boot services start; a component started
     * after it gets every port configured by then, and port events then reach every component in
     * the order they were installed (the order they stop in).
     */
    @Test
    void routingStartsFirstAndHasItsPortsWhileTheOthersStart() throws Exception {
        List<String> order = new CopyOnWriteArrayList<>();
        PortListener other = recorder("other", false, order);
        PortListener routing = recorder("routing", true, order);
        try (Rtnetlink nl = Rtnetlink.open("kmag-a");
             Agent agent = new Agent(new AgentSettings("a", state, AgentSettings.DEFAULT_STUB), plan, nl, Clock.systemUTC(),
                     List.of(other, routing))) {
            agent.start();
            assertThat(order).as("when start() returns").containsExactly("routing started", "routing up 0", "other started",
                    "other up 0");
            nl.createVeth("cluster1", A1, "cluster0", MacAddress.parse("52:54:00:cc:00:00"), Optional.of("kmag-c"));
            await("port 1 announced to both", () -> order.contains("routing up 1"));
            assertThat(order.subList(4, order.size())).containsExactly("other up 1", "routing up 1");
        }
        List<String> stop = order.subList(6, order.size());
        assertThat(stop).containsExactlyInAnyOrder("other down 0", "routing down 0", "other down 1", "routing down 1");
        for (int port : List.of(0, 1)) {
            assertThat(stop.indexOf("other down " + port)).as("port " + port + " leaves the components in install order")
                    .isLessThan(stop.indexOf("routing down " + port));
        }
    }

    /** A component named {@code name} that writes its start and its port events to {@code order}. */
    private static PortListener recorder(String name, boolean first, List<String> order) {
        return new PortListener() {
            @Override
            public boolean startsFirst() {
                return first;
            }

            @Override
            public void started(NodeBlock node) {
                order.add(name + " started");
            }

            @Override
            public void portUp(PortPrefix port) {
                order.add(name + " up " + port.index());
            }

            @Override
            public void portDown(PortPrefix port) {
                order.add(name + " down " + port.index());
            }
        };
    }

    @Test
    void aRestartedAgentLeavesDownAPortTakenDownSinceAndTurnsUpOneNeverSeen() throws Exception {
        NodeBlock node = plan.node(A0);
        try (Rtnetlink nl = Rtnetlink.open("kmag-a")) {
            nl.createVeth("cluster1", A1, "cluster0", MacAddress.parse("52:54:00:cc:00:00"), Optional.of("kmag-c"));
            try (Agent agent = agent(nl)) {
                agent.start();
                await("ports 0 and 1 up", () -> nl.link("cluster0").orElseThrow().up() && nl.link("cluster1").orElseThrow().up());
            }
            // The agent is gone (its supervisor restarts it); meanwhile an operator takes port 1 down
            // and a new cable is plugged into port 2.
            nl.setUp("cluster1", false);
            nl.createVeth("cluster2", MacAddress.parse("52:54:00:aa:00:02"), "cluster1", MacAddress.parse("52:54:00:cc:00:01"),
                    Optional.of("kmag-c"));
            assertThat(nl.link("cluster2").orElseThrow().up()).isFalse();
            try (Agent again = agent(nl)) {
                again.start();
                await("port 2, never seen, turned up and configured", () -> nl.link("cluster2").orElseThrow().up()
                        && nl.addresses("cluster2").stream().anyMatch(a -> a.address().equals(node.port(2).thisEnd())));
                await("port 0 configured again", () -> nl.addresses("cluster0").stream()
                        .anyMatch(a -> a.address().equals(node.port(0).thisEnd())));
                Thread.sleep(1000);
                assertThat(nl.link("cluster1").orElseThrow().up()).as("port 1, taken down since the last agent").isFalse();
                // Turned up again by the operator, it has its address back.
                nl.setUp("cluster1", true);
                await("port 1's address back", () -> nl.addresses("cluster1").stream()
                        .anyMatch(a -> a.address().equals(node.port(1).thisEnd())));
            }
            // A link made anew under the same name (a cable pulled and plugged) is a new port: turned up.
            nl.deleteLink("cluster1");
            nl.createVeth("cluster1", A1, "cluster3", MacAddress.parse("52:54:00:cc:00:03"), Optional.of("kmag-c"));
            try (Agent third = agent(nl)) {
                third.start();
                await("the new cluster1 turned up", () -> nl.link("cluster1").orElseThrow().up());
            }
        }
        assertThat(Files.readString(state.resolve(SeenPorts.FILE))).startsWith("boot ").contains("cluster2 ");
    }

    /**
     * {@code port I down|up} (the bare-metal substrate's cut between netbooted machines, asked by
     * the operator through the first machine's agent): the link goes down, the far end loses its
     * carrier, the agent leaves it so, and up again it has its address back.
     */
    @Test
    void aPortRequestTakesThePortDownUntilAskedUpAgain() throws Exception {
        NodeBlock node = plan.node(A0);
        try (Rtnetlink nl = Rtnetlink.open("kmag-a"); Rtnetlink far = Rtnetlink.open("kmag-b"); Agent agent = agent(nl)) {
            agent.start();
            await("port 0 configured", () -> nl.addresses("cluster0").stream().anyMatch(a -> a.address().equals(node.port(0).thisEnd())));
            far.setUp("cluster3", true);
            await("carrier at the far end", () -> far.link("cluster3").orElseThrow().lowerUp());
            NodeControl control = new NodeControl(agent, nl, List::of);
            var answer = new io.kubermesh.agent.control.AgentControl(control).answer("port 0 down");
            assertThat(answer).isEqualTo("{\"index\":0,\"interfaceName\":\"cluster0\",\"up\":false}");
            assertThat(nl.link("cluster0").orElseThrow().up()).isFalse();
            await("the far end's carrier gone", () -> !far.link("cluster3").orElseThrow().lowerUp());
            Thread.sleep(1000);
            assertThat(nl.link("cluster0").orElseThrow().up()).as("left down by the agent").isFalse();
            assertThat(control.setPort(0, true).up()).isTrue();
            await("port 0's address back", () -> nl.addresses("cluster0").stream().anyMatch(a -> a.address().equals(node.port(0).thisEnd())));
            await("carrier at the far end again", () -> far.link("cluster3").orElseThrow().lowerUp());
            // a port the plan has but this machine lacks, and one the plan has not
            int last = node.ports().size() - 1;
            assertThatThrownBy(() -> control.setPort(last, false)).hasMessage("this machine has no interface cluster" + last
                    + " (port " + last + ")");
            assertThatThrownBy(() -> control.setPort(node.ports().size(), false)).hasMessage("there is no port " + node.ports().size()
                    + ": the plan gives a node ports 0.." + last);
        }
    }

    @Test
    void aRestartedAgentKeepsItsIdentityWhenANicWithALowerMacAppears() throws Exception {
        try (Rtnetlink nl = Rtnetlink.open("kmag-a"); Agent agent = agent(nl)) {
            agent.start();
            assertThat(agent.identity().mac()).isEqualTo(A0);
        }
        try (Rtnetlink nl = Rtnetlink.open("kmag-a")) {
            nl.createVeth("cluster2", MacAddress.parse("02:00:00:00:00:01"), "cluster1", MacAddress.parse("52:54:00:cc:00:01"),
                    Optional.of("kmag-c"));
            try (Agent again = agent(nl)) {
                again.start();
                assertThat(again.identity().mac()).isEqualTo(A0);
            }
        }
    }
}
