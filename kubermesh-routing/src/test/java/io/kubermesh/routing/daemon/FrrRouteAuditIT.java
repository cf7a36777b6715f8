package io.kubermesh.routing.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.routing.daemon.frr.FrrProvider;
import io.kubermesh.routing.daemon.frr.FrrReadback;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * FRR's stale-route audit against three real FRR nodes in a triangle. The ospf6d defect it
 * repairs cannot be brought about at will, so the test makes the same wrong route by hand: it
 * raises the cost of one port with {@code vtysh}, behind the daemon's back, and the first node's
 * route to its neighbour's host goes the long way, through the third node. The audit must see
 * that a full neighbour's prefix is routed the long way, apply the port's configuration again and
 * reset the adjacency, so the route comes back to the direct cable; and a converged mesh must
 * never be touched.
 */
class FrrRouteAuditIT {
    private MeshLab lab;

    @BeforeAll
    static void requireFrr() {
        MeshRoutingContract.requireEnvironment();
        MeshRoutingContract.require("/usr/lib/frr/ospf6d", "frr");
        MeshRoutingContract.require("/usr/bin/vtysh", "frr");
    }

    @AfterEach
    void tearDown() {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void aFullNeighboursPrefixRoutedTheLongWayIsRepairedAndAConvergedMeshIsLeftAlone() {
        Triangle tri = triangle("kmra-n");
        List<String> m = lab.machines();
        String a = tri.a();
        String b = tri.b();
        String portToB = tri.portToB();
        Ipv6Prefix hostOfB = Ipv6Prefix.parse(lab.block(b).host() + "/128");
        assertThat(lab.installedPorts(a, hostOfB)).containsExactly(portToB);

        // Three audits of a converged mesh: no repair anywhere.
        MeshLab.sleep(3 * 5_000 + 1_000);
        for (String x : m) {
            assertThat(lab.daemon(x).repairs()).as(x).isZero();
        }

        Sh.ok("vtysh", "--vty_socket", lab.stateRoot().resolve(a).toString(), "-c", "configure terminal", "-c",
                "interface " + portToB, "-c", "ipv6 ospf6 cost 100");
        await(Duration.ofSeconds(10), () -> !lab.installedPorts(a, hostOfB).contains(portToB));
        assertThat(metric(a, hostOfB)).isEqualTo(30);

        // Two audits in a row see it, then the repair; the adjacency is full again within seconds.
        await(Duration.ofSeconds(30), () -> lab.daemon(a).repairs() == 1
                && lab.installedPorts(a, hostOfB).equals(Set.of(portToB)));
        assertThat(metric(a, hostOfB)).isEqualTo(20);
        assertThat(Sh.ok("vtysh", "--vty_socket", lab.stateRoot().resolve(a).toString(), "-c", "show running-config"))
                .doesNotContain("ipv6 ospf6 cost 100");
        lab.awaitReachability(Duration.ofSeconds(20));
        assertThat(lab.daemon(b).repairs()).isZero();
        assertThat(lab.daemon(m.get(2)).repairs()).isZero();
    }

    /**
     * An adjacency stuck in the database exchange, made by hand: one end's port MTU lowered
     * (ospf6d drops a DD that announces a larger MTU than its own interface's, so that end stays
     * in ExStart and the other in ExChange, while hellos keep the neighbour alive) and the
     * adjacency cleared. The audit must reset it after three audits in a row saw it; the third
     * node's adjacencies, all full, are never touched.
     */
    @Test
    void anAdjacencyStuckInTheExchangeIsReset() {
        Triangle tri = triangle("kmra-x");
        String a = tri.a();
        String portToB = tri.portToB();

        Sh.ok("ip", "-n", lab.ns(a), "link", "set", "dev", portToB, "mtu", "1400");
        Sh.ok("vtysh", "--vty_socket", lab.stateRoot().resolve(a).toString(), "-c", "clear ipv6 ospf6 interface " + portToB);
        await(Duration.ofSeconds(10), () -> lab.daemon(a).neighbours().stream()
                .anyMatch(n -> n.interfaceName().equals(portToB) && !n.full() && !n.state().equals("Init")));
        System.out.println("FrrRouteAuditIT: stuck on purpose: " + lab.adjacencies());

        await(Duration.ofSeconds(40), () -> lab.daemon(a).repairs() + lab.daemon(tri.b()).repairs() >= 1);
        System.out.println("FrrRouteAuditIT: reset by the audit: " + a + " " + lab.daemon(a).repairs() + ", " + tri.b() + " "
                + lab.daemon(tri.b()).repairs());
        assertThat(lab.daemon(lab.machines().get(2)).repairs()).isZero();

        // With the MTU back, the adjacency is full again.
        Sh.ok("ip", "-n", lab.ns(a), "link", "set", "dev", portToB, "mtu", "1500");
        await(Duration.ofSeconds(30), () -> lab.daemon(a).neighbours().stream()
                .anyMatch(n -> n.interfaceName().equals(portToB) && n.full()));
        lab.awaitReachability(Duration.ofSeconds(20));
    }

    /** Two nodes of a converged ring of three and the first's port to the second. */
    private record Triangle(String a, String b, String portToB) {
    }

    private Triangle triangle(String nsPrefix) {
        Topology t = Topology.ring(3);
        lab = new MeshLab(t, RoutingDaemons.provider(FrrProvider.NAME), nsPrefix);
        lab.build();
        lab.startAll();
        lab.awaitReachability(Duration.ofSeconds(30));
        String a = lab.machines().get(0);
        String b = lab.machines().get(1);
        Cable ab = t.cablesOf(a).stream().filter(c -> c.a().machine().equals(b) || c.b().machine().equals(b)).findFirst()
                .orElseThrow();
        return new Triangle(a, b, MeshLab.port(ab.a().machine().equals(a) ? ab.a() : ab.b()));
    }

    private int metric(String machine, Ipv6Prefix prefix) {
        String json = Sh.ok("vtysh", "--vty_socket", lab.stateRoot().resolve(machine).toString(), "-c", "show ipv6 route ospf6 json");
        return FrrReadback.installedRoutes(json).stream().filter(r -> r.destination().equals(prefix)).findFirst()
                .orElseThrow().metric();
    }

    private static void await(Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout);
            }
            MeshLab.sleep(250);
        }
    }
}
