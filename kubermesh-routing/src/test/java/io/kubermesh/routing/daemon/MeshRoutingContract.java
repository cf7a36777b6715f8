package io.kubermesh.routing.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.routing.model.RouteModel;
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
     * Up to how many cables away the daemon must install exactly the predicted equal-cost next
     * hops; farther away every installed next hop must still be on a shortest path and every
     * destination routed, but not every shortest path need be installed.
     */
    abstract int exactEcmpWithin();

    private void awaitRerouted(RouteModel predicted, Duration timeout) {
        lab.awaitRoutesMatch(predicted, timeout, exactEcmpWithin());
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
        RouteModel full = lab.model();
        awaitRerouted(full, CONVERGE);
        lab.awaitReachability(CONVERGE);

        Cable carrier = t.cables().get(0);
        lab.cutCarrier(carrier);
        awaitRerouted(full.withoutCable(carrier), Duration.ofSeconds(20));
        lab.awaitReachability(Duration.ofSeconds(20));
        lab.restoreCarrier(carrier);
        awaitRerouted(full, Duration.ofSeconds(30));
        lab.awaitReachability(Duration.ofSeconds(20));

        Cable silent = t.cables().get(6);
        lab.silence(silent);
        awaitRerouted(full.withoutCable(silent), Duration.ofSeconds(20));
        lab.awaitReachability(Duration.ofSeconds(20));
        lab.unsilence(silent);
        awaitRerouted(full, Duration.ofSeconds(30));
        lab.awaitReachability(Duration.ofSeconds(20));

        String lost = t.machines().get(4).name();
        lab.loseNode(lost);
        awaitRerouted(full.withoutMachine(lost), Duration.ofSeconds(20));
        lab.awaitReachability(Duration.ofSeconds(20));
    }

    /**
     * The cables the what-if test cuts, in order: every one by default. A daemon whose restores
     * take seconds each by design may check fewer per run (see {@code BirdMeshIT}).
     */
    List<Cable> whatIfCables(Topology t) {
        return t.cables();
    }

    /** The machines the what-if test powers off and on: the second and the sixth by default. */
    List<String> whatIfMachines(Topology t) {
        return List.of(t.machines().get(1).name(), t.machines().get(5).name());
    }

    /**
     * The model's what-if, checked against the daemon on every node: each cable of the mesh cut
     * in turn (carrier loss), then each of two machines powered off, and after each restore the
     * full prediction again.
     */
    @Test
    void whatIfPredictionsMatchTheInstalledRoutes() {
        Topology t = sixNodeMesh();
        start(t);
        RouteModel full = lab.model();
        awaitRerouted(full, CONVERGE);
        for (Cable c : whatIfCables(t)) {
            lab.cutCarrier(c);
            awaitRerouted(full.withoutCable(c), Duration.ofSeconds(20));
            lab.restoreCarrier(c);
            awaitRerouted(full, Duration.ofSeconds(30));
        }
        for (String m : whatIfMachines(t)) {
            lab.powerOff(m);
            awaitRerouted(full.withoutMachine(m), Duration.ofSeconds(20));
            lab.awaitReachability(Duration.ofSeconds(20));
            lab.powerOn(m);
            awaitRerouted(full, Duration.ofSeconds(30));
        }
        lab.awaitReachability(Duration.ofSeconds(20));
    }

    @Test
    void fourByFourGridConverges() {
        start(Topology.grid(4, 4));
        awaitRerouted(lab.model(), CONVERGE);
        lab.awaitReachability(CONVERGE);
    }

    @Test
    void supervisorRestartsAKilledDaemonAndStopLeavesNothing() {
        Topology t = sixNodeMesh();
        start(t);
        awaitRerouted(lab.model(), CONVERGE);
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
        assertThat(d.processIds()).hasSameSizeAs(before).doesNotContain(before.get(0));
        awaitRerouted(lab.model(), CONVERGE);
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
        awaitRerouted(lab.model(), CONVERGE);
        String m = t.machines().get(0).name();
        RoutingDaemon d = lab.daemon(m);
        List<String> ports = d.config().ports();
        awaitFull(d, Set.copyOf(ports));
        // What the daemon says of itself names every port and every neighbour heard on it.
        String diagnostics = d.diagnostics();
        assertThat(diagnostics).contains(ports);
        assertThat(diagnostics).contains(d.neighbours().stream().map(Neighbour::routerId).toList());
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
        awaitRerouted(lab.model(), CONVERGE);
    }

    @Test
    void anycastGoesToTheNearestHolderAndMovesWhenWithdrawn() {
        Topology t = sixNodeMesh();
        start(t);
        awaitRerouted(lab.model(), CONVERGE);
        // kubermesh1 is one hop from kubermesh2 and two (over the gateway or kubermesh4) from
        // kubermesh5: the ports towards the two holders are disjoint.
        String near = "kubermesh2";
        String far = "kubermesh5";
        String client = "kubermesh1";
        Ipv6Address service = Ipv6Address.parse("fd65:7b9c:569:680::e7cd");
        Ipv6Prefix prefix = new Ipv6Prefix(service, 128);
        lab.anycast(near, service, true);
        lab.anycast(far, service, true);
        Set<String> towardsNear = lab.portsTowardsNearest(client, Set.of(near));
        awaitPorts(client, prefix, towardsNear, lab.model().distance(client, near).orElseThrow());
        awaitPing(client, service);

        lab.anycast(near, service, false);
        Set<String> towardsFar = lab.portsTowardsNearest(client, Set.of(far));
        assertThat(towardsFar).doesNotContainAnyElementsOf(towardsNear);
        awaitPorts(client, prefix, towardsFar, lab.model().distance(client, far).orElseThrow());
        awaitPing(client, service);
        // The former holder now routes to the other one: no route of its own is left on the stub.
        awaitPorts(near, prefix, lab.portsTowardsNearest(near, Set.of(far)), lab.model().distance(near, far).orElseThrow());
        assertThat(lab.kernelRoute(near, service)).doesNotContain(MeshLab.STUB).contains("via fe80:");

        // An announcement with a lifetime that nobody renews (the agent that would was killed):
        // the kernel deletes the address when it expires and the daemon withdraws the route.
        // 8 s: longer than BIRD's fixed 5 s MinLSInterval, which may hold back the re-announcement
        // of a prefix it withdrew a moment ago (the agent renews its announcements long before that).
        long added = System.nanoTime();
        lab.anycastFor(near, service, 8);
        awaitPorts(client, prefix, towardsNear, lab.model().distance(client, near).orElseThrow());
        long announced = (System.nanoTime() - added) / 1_000_000;
        awaitPorts(client, prefix, towardsFar, lab.model().distance(client, far).orElseThrow());
        long lapsed = (System.nanoTime() - added) / 1_000_000;
        System.out.printf("%s: an anycast /128 with an 8 s lifetime: %s routed to it after %d ms, away from it after %d ms%n",
                getClass().getSimpleName(), client, announced, lapsed);
        assertThat(lapsed).as("not before the lifetime ends").isGreaterThanOrEqualTo(7000);
        // Added without a prefix route (as the agent adds it), the expired /128 leaves no route into
        // the stub behind (with one, the kernel kept it until its own expiry and garbage collection).
        assertThat(lab.routeGet(near, service)).doesNotContain("dev " + MeshLab.STUB).contains("via fe80:");
        assertThat(lab.kernelRoute(near, service)).doesNotContain(MeshLab.STUB);
        awaitPing(client, service);
    }

    private void awaitPorts(String m, Ipv6Prefix prefix, Set<String> ports, int distance) {
        long t0 = System.nanoTime();
        while (!matches(lab.installedPorts(m, prefix), ports, distance)) {
            if (System.nanoTime() - t0 > Duration.ofSeconds(30).toNanos()) {
                throw new AssertionError(m + ": route to " + prefix + " via " + lab.installedPorts(m, prefix)
                        + ", expected " + ports);
            }
            MeshLab.sleep(200);
        }
    }

    private boolean matches(Set<String> installed, Set<String> shortest, int distance) {
        return distance <= exactEcmpWithin() ? installed.equals(shortest)
                : !installed.isEmpty() && shortest.containsAll(installed);
    }

    private void awaitPing(String m, Ipv6Address a) {
        long t0 = System.nanoTime();
        while (Sh.run(List.of("ip", "netns", "exec", lab.ns(m), "busybox", "ping", "-c1", "-W1", a.toString())).status() != 0) {
            if (System.nanoTime() - t0 > Duration.ofSeconds(20).toNanos()) {
                throw new AssertionError(m + " cannot ping " + a);
            }
            MeshLab.sleep(200);
        }
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
