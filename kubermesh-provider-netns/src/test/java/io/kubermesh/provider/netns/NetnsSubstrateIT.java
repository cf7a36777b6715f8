package io.kubermesh.provider.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.routing.netlink.Rtnetlink;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import io.kubermesh.lab.Lab;
import io.kubermesh.testkit.SubstrateContract;
import io.kubermesh.testkit.lab.LabContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The netns provider against both contract suites on real namespaces and veths: the substrate
 * contract (prefix kmns-, plus what only netns can show) and the orchestration contract (a lab
 * of cluster kmlbc, namespaces kmkmlbc-*, found through ServiceLoader like the CLI finds it).
 */
class NetnsSubstrateIT {
    @BeforeAll
    static void needRoot() {
        try {
            provider().checkEnvironment();
        } catch (RuntimeException e) {
            fail("this IT needs root and network namespaces: " + e.getMessage());
        }
    }

    static SubstrateProvider provider() {
        return ServiceLoader.load(SubstrateProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("netns")).findFirst().orElseThrow();
    }

    @Nested
    class Orchestration extends LabContract {
        @Override
        protected SubstrateProvider provider() {
            return NetnsSubstrateIT.provider();
        }

        @Override
        protected Map<String, String> options() {
            return Map.of();
        }

        @Override
        protected String clusterName() {
            return "kmlbc";
        }

        @Override
        protected boolean leftovers(Lab downed) {
            boolean namespaces = NetworkNamespaces.list().stream().anyMatch(n -> n.startsWith("kmkmlbc-"));
            boolean processes = NamespaceLeftovers.processesMentioning(labParent().toString());
            return namespaces || processes || Files.exists(labParent().resolve("lab"));
        }

        @AfterAll
        void noNamespaceOutlivesTheLab() throws IOException {
            for (String ns : NetworkNamespaces.list()) {
                if (ns.startsWith("kmkmlbc-")) {
                    NetworkNamespaces.delete(ns);
                    fail("namespace " + ns + " outlived the lab");
                }
            }
        }
    }

    @Nested
    class Substrate extends SubstrateContract {
    private final List<Path> dirs = new ArrayList<>();

    @Override
    protected SubstrateProvider provider() {
        return NetnsSubstrateIT.provider();
    }

    @Override
    protected io.kubermesh.spi.Substrate createSubstrate() {
        try {
            Path dir = Files.createTempDirectory("km-netns-it");
            dirs.add(dir);
            return provider().create(new SubstrateConfig(ClusterConfig.seed(), dir, Map.of("netns.prefix", "kmns-")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected boolean linkIsUp(io.kubermesh.spi.Substrate substrate, PortRef port) {
        NetnsSubstrate s = (NetnsSubstrate) substrate;
        try (Rtnetlink nl = Rtnetlink.open(s.namespace(port.machine()))) {
            return nl.link("cluster" + port.port()).map(l -> l.up() && l.lowerUp()).orElse(false);
        }
    }

    @Override
    protected boolean leftovers(io.kubermesh.spi.Substrate closed) {
        return NetworkNamespaces.list().stream().anyMatch(n -> n.startsWith("kmns-"))
                || dirs.stream().anyMatch(d -> Files.exists(d.resolve(LabState.FILE)));
    }

    @AfterEach
    void noNamespaceOutlivesATest() throws IOException {
        substrate().close(); // idempotent; the contract's own tear-down runs after this one
        // The temporary directories go too, whatever the test left in them (machine state, logs).
        for (Path d : dirs) {
            try (var tree = Files.walk(d)) {
                for (Path p : tree.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        for (String ns : NetworkNamespaces.list()) {
            if (ns.startsWith("kmns-")) {
                NetworkNamespaces.delete(ns);
                fail("namespace " + ns + " outlived its test");
            }
        }
    }

    @Test
    void portsCarryTheMachinesMacsAndAPoweredOffNeighbourDropsCarrier() {
        io.kubermesh.spi.Substrate s = substrate();
        MachineSpec a = machine("km-a", 2, 1);
        MachineSpec b = machine("km-b", 2, 2);
        s.addMachine(a);
        s.addMachine(b);
        s.powerOn("km-a");
        s.powerOn("km-b");
        s.cable(new PortRef("km-a", 1), new PortRef("km-b", 0));
        NetnsSubstrate n = (NetnsSubstrate) s;
        try (Rtnetlink nl = Rtnetlink.open(n.namespace("km-a"))) {
            assertThat(nl.link("cluster1").orElseThrow().mac()).contains(a.nics().get(1));
        }
        try (Rtnetlink nl = Rtnetlink.open(n.namespace("km-b"))) {
            assertThat(nl.link("cluster0").orElseThrow().mac()).contains(b.nics().get(0));
        }
        assertThat(linkIsUp(s, new PortRef("km-a", 1))).isTrue();
        s.powerOff("km-b");
        assertThat(linkIsUp(s, new PortRef("km-a", 1))).isFalse();
        s.powerOn("km-b");
        assertThat(linkIsUp(s, new PortRef("km-a", 1))).isTrue();
    }

    @Test
    void powerOffStopsEveryProcessInTheMachineAndNothingElse() throws Exception {
        io.kubermesh.spi.Substrate s = substrate();
        s.addMachine(machine("km-a", 1, 1));
        NetnsSubstrate n = (NetnsSubstrate) s;
        List<Process> started = new CopyOnWriteArrayList<>();
        n.onPowerOn((m, ns, console) -> {
            try {
                started.add(new ProcessBuilder("ip", "netns", "exec", ns, "sh", "-c", "echo booted; exec sleep 600")
                        .redirectOutput(console.toFile()).redirectErrorStream(true).start());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        Process outside = new ProcessBuilder("sleep", "600").start();
        try {
            List<String> console = new CopyOnWriteArrayList<>();
            try (AutoCloseable tail = s.console("km-a", console::add)) {
                s.powerOn("km-a");
                for (int i = 0; i < 100 && console.isEmpty(); i++) {
                    Thread.sleep(50);
                }
                assertThat(console).contains("booted");
            }
            assertThat(started).hasSize(1);
            assertThat(started.get(0).isAlive()).isTrue();
            s.powerOff("km-a");
            assertThat(started.get(0).waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(outside.isAlive()).isTrue();
        } finally {
            outside.destroyForcibly();
        }
    }

    @Test
    void anotherProcessAttachesToTheSameLab() throws Exception {
        io.kubermesh.spi.Substrate s = substrate();
        s.addMachine(machine("km-a", 1, 1));
        s.addMachine(machine("km-b", 1, 2));
        s.cable(new PortRef("km-a", 0), new PortRef("km-b", 0));
        Path dir = dirs.get(dirs.size() - 1);
        NetnsSubstrate again = NetnsSubstrate.open(new SubstrateConfig(ClusterConfig.seed(), dir, Map.of("netns.prefix", "kmns-")));
        assertThat(again.topology()).isEqualTo(s.topology());
        again.cut(new PortRef("km-b", 0), new PortRef("km-a", 0));
        assertThat(again.topology().cables()).isEmpty();
    }
}
}
