package io.kubermesh.routing.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The same meshes and failures for every routing daemon: a subclass names the provider. Needs
 * root, iproute2, iptables, busybox-static and the daemon's package.
 */
abstract class MeshRoutingContract {
    static final Duration CONVERGE = Duration.ofSeconds(60);
    MeshLab lab;

    abstract RoutingDaemonProvider provider();

    /**
     * Whether the daemon is required to install every equal-cost next hop after a topology
     * change too (it always is after the first convergence).
     */
    abstract boolean exactEcmpAfterChange();

    private void awaitRerouted(Duration timeout) {
        lab.awaitRoutesMatch(timeout, exactEcmpAfterChange());
    }

    /** The ring of six with chords 1-4 and 2-5 (1-based). */
    static Topology sixNodeMesh() {
        return Topology.fromPairs(6, new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 0}, {0, 3}, {1, 4}});
    }

    @BeforeAll
    static void requireEnvironment() {
        String uid = Sh.ok("id", "-u").trim();
        if (!uid.equals("0")) {
            throw new AssertionError("routing ITs need root (network namespaces); run as root");
        }
        require("/usr/bin/busybox", "busybox-static");
        require("/usr/sbin/ip6tables", "iptables");
        require("/usr/bin/nsenter", "util-linux");
    }

    static void require(String binary, String debianPackage) {
        if (!Files.isExecutable(Path.of(binary))) {
            throw new AssertionError(binary + " is missing: apt-get install -y " + debianPackage);
        }
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    MeshLab start(Topology topology) {
        lab = new MeshLab(topology, provider());
        lab.build();
        lab.startAll();
        return lab;
    }

    @Test
    void sixNodeMeshConvergesAndSurvivesFailures() {
        Topology t = sixNodeMesh();
        start(t);
        lab.awaitRoutesMatch(CONVERGE);
        lab.awaitReachability(CONVERGE);

        Cable carrier = t.cables().get(0);
        lab.cutCarrier(carrier);
        awaitRerouted(Duration.ofSeconds(20));
        lab.awaitReachability(Duration.ofSeconds(20));
        lab.restoreCarrier(carrier);
        awaitRerouted(Duration.ofSeconds(30));
        lab.awaitReachability(Duration.ofSeconds(20));

        Cable silent = t.cables().get(6);
        lab.silence(silent);
        awaitRerouted(Duration.ofSeconds(20));
        lab.awaitReachability(Duration.ofSeconds(20));
        lab.unsilence(silent);
        awaitRerouted(Duration.ofSeconds(30));
        lab.awaitReachability(Duration.ofSeconds(20));

        lab.loseNode(t.machines().get(4).name());
        awaitRerouted(Duration.ofSeconds(20));
        lab.awaitReachability(Duration.ofSeconds(20));
    }

    @Test
    void fourByFourGridConverges() {
        start(Topology.grid(4, 4));
        lab.awaitRoutesMatch(CONVERGE);
        lab.awaitReachability(CONVERGE);
    }

    @Test
    void supervisorRestartsAKilledDaemonAndStopLeavesNothing() {
        Topology t = sixNodeMesh();
        start(t);
        lab.awaitRoutesMatch(CONVERGE);
        String victim = t.machines().get(2).name();
        RoutingDaemon d = lab.daemon(victim);
        List<Long> before = d.processIds();
        assertThat(before).isNotEmpty();
        ProcessHandle.of(before.get(0)).orElseThrow().destroyForcibly();
        long t0 = System.nanoTime();
        while (d.health().restarts() < 1 || !d.health().healthy()) {
            if (System.nanoTime() - t0 > Duration.ofSeconds(30).toNanos()) {
                throw new AssertionError("not restarted: " + d.health());
            }
            MeshLab.sleep(50);
        }
        assertThat(d.processIds()).doesNotContainAnyElementsOf(before);
        lab.awaitRoutesMatch(CONVERGE);
        lab.awaitReachability(CONVERGE);

        List<Long> pids = d.processIds();
        assertThat(lab.daemonKernelRoutes(victim)).isNotBlank();
        d.stop();
        assertThat(d.processIds()).isEmpty();
        assertThat(pids).allSatisfy(pid -> assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).isNotEqualTo(
                java.util.Optional.of(true)));
        assertThat(d.health().status()).isEqualTo(DaemonHealth.Status.STOPPED);
        assertThat(lab.daemonKernelRoutes(victim)).isBlank();
    }

    @Test
    void reconfigureKeepsNeighboursOnUnchangedPorts() {
        Topology t = sixNodeMesh();
        start(t);
        lab.awaitRoutesMatch(CONVERGE);
        String m = t.machines().get(0).name();
        RoutingDaemon d = lab.daemon(m);
        List<String> ports = d.config().ports();
        awaitFull(d, Set.copyOf(ports));
        String dropped = ports.get(ports.size() - 1);
        List<String> kept = ports.subList(0, ports.size() - 1);

        d.reconfigure(kept);
        long t0 = System.nanoTime();
        boolean droppedGone = false;
        while (System.nanoTime() - t0 < Duration.ofSeconds(8).toNanos()) {
            Map<String, Boolean> full = d.neighbours().stream()
                    .collect(Collectors.toMap(Neighbour::interfaceName, Neighbour::full, (a, b) -> a || b));
            for (String p : kept) {
                assertThat(full.get(p)).as("neighbour on unchanged port %s stays full", p).isTrue();
            }
            droppedGone |= !full.getOrDefault(dropped, false);
            MeshLab.sleep(100);
        }
        assertThat(droppedGone).as("the neighbour on the removed port %s goes", dropped).isTrue();

        d.reconfigure(ports);
        awaitFull(d, Set.copyOf(ports));
        lab.awaitRoutesMatch(CONVERGE);
    }

    static void awaitFull(RoutingDaemon d, Set<String> ports) {
        long t0 = System.nanoTime();
        while (true) {
            Set<String> full = d.neighbours().stream().filter(Neighbour::full).map(Neighbour::interfaceName)
                    .collect(Collectors.toSet());
            if (full.containsAll(ports)) {
                return;
            }
            if (System.nanoTime() - t0 > CONVERGE.toNanos()) {
                throw new AssertionError("neighbours not full on " + ports + ": " + d.neighbours());
            }
            MeshLab.sleep(200);
        }
    }
}
