package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.routing.netlink.AddressFlag;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.InterfaceAddress;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anycast health in a real namespace (kmet-any): a real HTTP server (python3) on the node's host
 * address is checked; while it answers, the service's /128 is on the stub and in status; when it
 * stops, the /128 is withdrawn; when the agent stops, nothing is left.
 */
class AnycastPortsIT {
    private static final String NS = "kmet-any";
    private static final MacAddress MAC = MacAddress.parse("52:54:00:ee:00:00");
    private static final Ipv6Address WEB = Ipv6Address.parse("fd65:7b9c:569:680::80");
    private static final int PORT = 18080;

    @TempDir
    Path state;
    private Process server;

    @BeforeEach
    void namespace() throws Exception {
        if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
            fail("AnycastPortsIT needs root (network namespaces)");
        }
        NetworkNamespaces.delete(NS);
        NetworkNamespaces.create(NS);
    }

    @AfterEach
    void cleanUp() {
        if (server != null) {
            server.destroyForcibly();
        }
        NetworkNamespaces.delete(NS);
    }

    private void startServer(Ipv6Address host) throws Exception {
        server = new ProcessBuilder("nsenter", "--net=" + NetworkNamespaces.path(NS), "--", "python3", "-m", "http.server",
                "--bind", host.toString(), "--directory", state.toString(), Integer.toString(PORT))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 15_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(50);
        }
    }

    private static boolean onStub(Rtnetlink nl) {
        return nl.addresses(AgentSettings.DEFAULT_STUB).stream().map(InterfaceAddress::address).anyMatch(WEB::equals);
    }

    @Test
    void aServiceThatAnswersHereIsHeldAndWithdrawnWhenItStops() throws Exception {
        ClusterSpec spec = ClusterConfig.seed().withServices(List.of(new AnycastService("web", Optional.of(WEB), PORT,
                new HealthCheck.Http("/"), Duration.ofMillis(200), 2, 2), AnycastService.tcp("absent",
                Ipv6Address.parse("fd65:7b9c:569:680::81"), 18081)));
        NodeBlock node = new AddressPlan(spec).node(MAC);
        AgentSettings settings = new AgentSettings("any", state, AgentSettings.DEFAULT_STUB);
        try (Rtnetlink nl = Rtnetlink.open(NS)) {
            nl.setUp("lo", true);
            nl.createStub(AgentSettings.DEFAULT_STUB);
            nl.setUp(AgentSettings.DEFAULT_STUB, true);
            nl.addAddress(AgentSettings.DEFAULT_STUB, node.host(), 128, AddressLifetime.PERMANENT,
                    EnumSet.of(AddressFlag.NODAD, AddressFlag.NOPREFIXROUTE));
            AnycastPorts anycast = new AnycastPorts(new AddressPlan(spec), settings, Clock.systemUTC(), Optional.of(NS));
            anycast.started(node);
            try {
                Thread.sleep(1000);
                assertThat(anycast.held()).as("nothing answers yet").isEmpty();
                assertThat(onStub(nl)).isFalse();

                startServer(node.host());
                await("web held", () -> anycast.held().equals(List.of("web")));
                assertThat(onStub(nl)).isTrue();
                NodeStatus s = new NodeStatus("any", "running", MAC.toString(), "", "", "", "", List.of(), List.of(), "", "",
                        null, null);
                assertThat(anycast.contribute(s).anycast()).containsExactly("web");

                server.destroyForcibly().waitFor();
                await("web withdrawn", () -> anycast.held().isEmpty());
                assertThat(onStub(nl)).isFalse();
                // No route into the stub outlives the address (a /128 with a lifetime kept its prefix route).
                assertThat(nl.routes()).as("routes after the withdrawal").noneMatch(r -> r.destination().network().equals(WEB) && r.destination().length() == 128
                        && r.nextHops().stream().anyMatch(h -> AgentSettings.DEFAULT_STUB.equals(h.interfaceName())));

                startServer(node.host());
                await("web held again", () -> anycast.held().equals(List.of("web")));
            } finally {
                anycast.stopped();
            }
            assertThat(onStub(nl)).as("withdrawn when the agent stops").isFalse();
            assertThat(anycast.held()).isEmpty();
        }
    }
}
