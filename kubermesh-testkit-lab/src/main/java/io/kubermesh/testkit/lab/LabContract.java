package io.kubermesh.testkit.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.lab.Lab;
import io.kubermesh.lab.MachineView;
import io.kubermesh.lab.ReachabilityProbe;
import io.kubermesh.lab.RouteComparison;
import io.kubermesh.spi.SubstrateProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The orchestration contract every substrate provider runs beside
 * {@link io.kubermesh.testkit.SubstrateContract}: kubermesh-lab's {@link Lab}, which knows the
 * substrate only through the SPI and the agents only through their control protocol, brings up a
 * ring of three machines on the provider's substrate and plugs, cuts, joins, kills, revives and
 * replaces machines on it; after each step every machine's agent answers and every powered
 * machine reaches every other; at the end {@code down} leaves nothing behind.
 *
 * <p>The steps run in order on one lab (bringing one up takes a while): after a step fails, the
 * later ones fail at once naming it (on VMs each would otherwise wait out its boot time-out on a
 * broken lab). Every hook must answer; none may skip a step. The steps' orders are 10, 20, 30,
 * 40 and 100 (down): a provider's suite may add its own steps between them with {@code @Order}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class LabContract {
    /** How long the mesh may take to heal after a step (OSPF dead interval 4 s; a loaded 2-core machine). */
    protected static final int SETTLE_SECONDS = 30;

    private Lab lab;
    private Path dir;
    private Path parent;
    private String failedStep;

    /** Remembers the first step that failed, so that the later ones fail at once. */
    @org.junit.jupiter.api.extension.RegisterExtension
    final org.junit.jupiter.api.extension.TestWatcher firstFailure = new org.junit.jupiter.api.extension.TestWatcher() {
        @Override
        public void testFailed(org.junit.jupiter.api.extension.ExtensionContext context, Throwable cause) {
            if (failedStep == null) {
                failedStep = context.getDisplayName() + ": " + cause;
            }
        }
    };

    /** Down runs whatever happened before: a broken lab must leave nothing behind either. */
    @org.junit.jupiter.api.BeforeEach
    final void earlierStepsPassed(org.junit.jupiter.api.TestInfo step) {
        boolean down = step.getTestMethod().map(m -> m.getName().equals("downLeavesNothingBehind")).orElse(false);
        if (failedStep != null && !down) {
            throw new AssertionError("not run: an earlier step failed, leaving the lab broken (" + failedStep + ")");
        }
    }

    /** The provider under test. */
    protected abstract SubstrateProvider provider();

    /** The provider's options for this lab ({@link io.kubermesh.spi.SubstrateConfig#options()}). */
    protected abstract Map<String, String> options();

    /**
     * A fresh lab directory (not yet existing; its parents traversable by the routing daemons'
     * user). By default {@code lab} in a new temporary directory named after {@link #clusterName()},
     * which {@link #labParent()} returns and which is removed after the lab is down.
     */
    protected Path labDirectory() {
        try {
            parent = Files.createTempDirectory(clusterName() + "-");
            // The routing daemons run as their own user and must reach the lab's files.
            Files.setPosixFilePermissions(parent, PosixFilePermissions.fromString("rwxr-xr-x"));
            return parent.resolve("lab");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a lab directory: " + e.getMessage(), e);
        }
    }

    /** The temporary directory the default {@link #labDirectory()} made, for {@link #leftovers} to search. */
    protected final Path labParent() {
        return parent;
    }

    /** The cluster name: names what the substrate creates, so it must be unique among concurrent tests. */
    protected abstract String clusterName();

    /** Whether anything of the lab (machines, links, processes, files) is still there after {@link Lab#down()}. */
    protected abstract boolean leftovers(Lab downed);

    /**
     * How long the mesh may take to settle after a step: {@value #SETTLE_SECONDS} s by default.
     * A substrate whose machines are much slower (VMs under TCG) may give more.
     */
    protected int settleSeconds() {
        return SETTLE_SECONDS;
    }

    /** Where progress goes (standard output by default). */
    protected Consumer<String> progress() {
        return line -> System.out.println("  " + line);
    }

    /** The seed cluster file under {@link #clusterName()}. */
    protected String clusterYaml() {
        try (InputStream in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: lab", "name: " + clusterName());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    protected final Lab lab() {
        return lab;
    }

    @BeforeAll
    final void createLab() {
        dir = labDirectory();
        lab = Lab.create(dir, clusterYaml(), provider(), options(), progress());
    }

    @AfterAll
    final void removeLab() throws IOException {
        if (lab != null && Lab.exists(dir)) {
            lab.down();
        }
        if (parent != null) {
            Files.deleteIfExists(parent); // fails, as it should, when down left something in it
        }
    }

    private MachineView machine(String name) {
        return lab.status().stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no machine " + name + " in " + lab.status()));
    }

    /**
     * What tells a routing failure apart from a slow mesh, for the log: the host's load and each
     * powered machine's routing adjacencies per port, as its agent reports them now.
     */
    private String adjacencies() {
        StringBuilder out = new StringBuilder();
        try {
            out.append("host load ").append(Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException e) {
            out.append("host load unknown");
        }
        for (MachineView m : lab.status()) {
            out.append("\n  ").append(m.name()).append(" (").append(m.state()).append("):");
            try (AgentClient agent = new AgentClient(lab.substrate().agent(m.name()))) {
                for (ControlAnswers.PortNeighbours p : agent.neighbours().ports()) {
                    out.append(' ').append(p.interfaceName()).append(p.adjacencies().stream()
                            .map(a -> a.routerId() + " " + a.state()).toList());
                }
            } catch (KubermeshException e) {
                out.append(" no answer (").append(e.getMessage()).append(')');
            }
        }
        return out.toString();
    }

    /** What each powered machine's routing daemon says of itself, for the log when routes are wrong. */
    private String routingDaemons() {
        StringBuilder out = new StringBuilder();
        for (MachineView m : lab.status()) {
            out.append("\n===== ").append(m.name()).append(": routing daemon\n");
            try (AgentClient agent = new AgentClient(lab.substrate().agent(m.name()))) {
                out.append(agent.routingDaemon().text());
            } catch (KubermeshException e) {
                out.append("no answer (").append(e.getMessage()).append(")\n");
            }
        }
        return out.toString();
    }

    private void assertEveryPoweredMachineReachesEveryOther(String when) {
        Map<String, Map<String, Boolean>> m = lab.reachability(settleSeconds());
        if (!ReachabilityProbe.complete(m)) {
            System.out.println("reachability incomplete " + when + "; " + adjacencies());
        }
        assertThat(ReachabilityProbe.complete(m)).as("full reachability " + when + ": " + m).isTrue();
    }

    @Test
    @Order(10)
    void upBringsARingOfThreeToJoinedWithFullReachabilityAndRoutesOnShortestPaths() {
        lab.up(Topology.ring(3));
        List<MachineView> status = lab.status();
        assertThat(status).extracting(MachineView::name).containsExactly("gateway", "kubermesh1", "kubermesh2");
        assertThat(status).allSatisfy(m -> {
            assertThat(m.state()).as(m.name()).isEqualTo("joined");
            assertThat(m.ports()).as(m.name()).hasSize(2);
            assertThat(m.host()).as(m.name()).isEqualTo(lab.plan().host(io.kubermesh.api.MacAddress.parse(m.identity()))
                    .toString());
        });
        assertEveryPoweredMachineReachesEveryOther("after up");
        long deadline = System.nanoTime() + settleSeconds() * 1_000_000_000L;
        List<RouteComparison> routes = lab.routes(Optional.empty());
        while (!routes.stream().allMatch(r -> r.match().onShortestPaths()) && System.nanoTime() < deadline) {
            sleep(500);
            routes = lab.routes(Optional.empty());
        }
        if (!routes.stream().allMatch(r -> r.match().onShortestPaths())) {
            System.out.println("routes not on shortest paths after " + settleSeconds() + " s; " + adjacencies() + routingDaemons());
        }
        // Every machine has a route to the two others' hosts and pods.
        assertThat(routes.stream().filter(r -> !r.target().startsWith("anycast")).count()).isEqualTo(3 * 2 * 2);
        assertThat(routes).allSatisfy(r -> assertThat(r.match().onShortestPaths()).as(r.toString()).isTrue());
        assertEveryAgentAnswersOverTheMeshThroughTheGateway(status);
    }

    /**
     * The gateway's agent asks each other machine's agent over the mesh (TLS, node certificates of
     * the cluster CA; {@code relay HOST REQUEST}) and gets what that agent says on its own channel;
     * what would change a node is refused over the mesh.
     */
    private void assertEveryAgentAnswersOverTheMeshThroughTheGateway(List<MachineView> status) {
        for (MachineView m : status) {
            assertThat(m.components()).as(m.name() + "'s components").anySatisfy(c -> {
                assertThat(c.name()).isEqualTo("control/mesh");
                assertThat(c.state()).isEqualTo("running");
            });
            if (m.name().equals(Topology.GATEWAY)) {
                continue;
            }
            io.kubermesh.api.Ipv6Address host = io.kubermesh.api.Ipv6Address.parse(m.host());
            try (AgentClient far = new AgentClient(new io.kubermesh.agent.control.RelayedAgentChannel(
                    lab.substrate().agent(Topology.GATEWAY), host))) {
                // A JVM's first TLS handshakes are slow under TCG (seconds): asked again until the settle time is up.
                long deadline = System.nanoTime() + settleSeconds() * 1_000_000_000L;
                String identity = null;
                while (identity == null) {
                    try {
                        identity = far.status().identity();
                    } catch (KubermeshException e) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError(m.name() + " asked through the gateway for " + settleSeconds() + " s: "
                                    + e.getMessage(), e);
                        }
                        sleep(1000);
                    }
                }
                assertThat(identity).as(m.name() + " asked through the gateway").isEqualTo(m.identity());
                // refused by the gateway's agent before anything goes out (the far end would refuse it too: MeshControlTest)
                assertThatThrownBy(() -> far.decide(io.kubermesh.api.MacAddress.parse(m.identity()), false))
                        .hasMessageContaining("relay: 'deny' is not answered over the mesh");
            }
        }
    }

    @Test
    @Order(20)
    void aCutCableIsGoneFromStatusTheMeshRoutesAroundItAndJoinRestoresIt() {
        lab.cut("kubermesh1", "kubermesh2");
        assertThat(machine("kubermesh1").ports()).hasSize(1);
        assertEveryPoweredMachineReachesEveryOther("with kubermesh1-kubermesh2 cut");
        assertThatThrownBy(() -> lab.join("kubermesh1", "gateway")).isInstanceOf(KubermeshException.class)
                .hasMessageContaining("no cut cable");
        lab.join("kubermesh2", "kubermesh1");
        assertThat(machine("kubermesh1").ports()).hasSize(2);
        assertEveryPoweredMachineReachesEveryOther("after the join");
    }

    @Test
    @Order(30)
    void aKilledMachineIsOffAndARevivedOneJoinsAgain() {
        lab.kill("kubermesh2");
        assertThat(machine("kubermesh2").state()).isEqualTo("off");
        assertThat(lab.probeTargets()).extracting(ReachabilityProbe.Target::name).containsExactly("gateway", "kubermesh1");
        assertEveryPoweredMachineReachesEveryOther("with kubermesh2 off");
        lab.revive("kubermesh2");
        assertThat(machine("kubermesh2").state()).isEqualTo("joined");
        assertEveryPoweredMachineReachesEveryOther("after the revive");
    }

    @Test
    @Order(40)
    void aDeadMachineIsReplacedByANewBlankOneOnItsPorts() {
        MachineView dead = machine("kubermesh2");
        lab.kill("kubermesh2");
        List<PortRef> itsPorts = dead.ports().stream().map(p -> p.neighbour().split(":"))
                .map(n -> new PortRef(n[0], Integer.parseInt(n[1]))).toList();
        String fresh = lab.plug(itsPorts);
        assertThat(machine("kubermesh2").state()).isEqualTo("gone");
        MachineView replacement = machine(fresh);
        assertThat(replacement.state()).isEqualTo("joined");
        assertThat(replacement.block()).isNotEqualTo(dead.block());
        assertThat(replacement.ports()).hasSize(2);
        assertEveryPoweredMachineReachesEveryOther("after the replacement");
    }

    @Test
    @Order(100)
    void downLeavesNothingBehind() {
        lab.down();
        assertThat(Files.exists(dir)).as(dir + " after down").isFalse();
        assertThat(leftovers(lab)).as("what the substrate made, after down").isFalse();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
