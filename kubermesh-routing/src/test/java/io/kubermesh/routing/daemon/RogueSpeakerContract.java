package io.kubermesh.routing.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.Topology;
import io.kubermesh.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The routing attack of issue 15: a rogue device cabled to a free port of a mesh node runs the
 * same OSPFv3 daemon without the cluster's routing key and announces the etcd anycast address
 * and a prefix of its own. The node runs OSPF on the new port (as the agent does on every port
 * that comes up), yet no adjacency forms, in any state, and no route of the rogue's is learnt,
 * while the mesh's own adjacency and routes stay as predicted. Namespaces {@code kmtr-*}.
 */
abstract class RogueSpeakerContract {
    static final String PREFIX = "kmtr-n";
    static final String ROGUE = "kmtr-rogue";
    /** The seed's etcd anycast address: what a rogue would most like to capture. */
    static final Ipv6Address ETCD = Ipv6Address.parse("fd65:7b9c:569:680:98eb:c508:ea6b:b0b2");
    /** A prefix only the rogue announces. */
    static final Ipv6Address ROGUE_ONLY = Ipv6Address.parse("2001:db8:ffff::1");
    static final int ROGUE_ROUTER_ID = 0x0a0a0a0a;
    static final int FREE_PORT = 7;

    MeshLab lab;
    RoutingDaemon rogue;

    abstract RoutingDaemonProvider provider();

    /** The router id of the node as the daemon prints it. */
    static String dotted(int id) {
        return (id >>> 24) + "." + ((id >>> 16) & 0xFF) + "." + ((id >>> 8) & 0xFF) + "." + (id & 0xFF);
    }

    @BeforeAll
    static void requireEnvironment() {
        MeshRoutingContract.requireEnvironment();
    }

    @AfterEach
    void tearDown() {
        if (rogue != null) {
            rogue.close();
        }
        if (lab != null) {
            lab.close();
        }
        MeshLab.removeLeftovers(ROGUE);
    }

    @Test
    void aSpeakerWithoutTheClusterKeyFormsNoAdjacencyAndInjectsNoRoute() {
        Topology t = Topology.fromPairs(2, new int[][] {{0, 1}});
        lab = new MeshLab(t, provider(), PREFIX);
        lab.build();
        lab.startAll();
        lab.awaitRoutesMatch(lab.model(), MeshRoutingContract.CONVERGE, Integer.MAX_VALUE);
        String n1 = lab.machines().get(0);

        // The rogue on n1's free port, with the address the port's DHCPv6 pool would give it.
        MeshLab.removeLeftovers(ROGUE);
        PortPrefix free = lab.block(n1).port(FREE_PORT);
        Sh.ok("ip", "netns", "add", ROGUE);
        Sh.ok("ip", "link", "add", "name", free.interfaceName(), "netns", lab.ns(n1), "type", "veth", "peer", "name",
                "cluster0", "netns", ROGUE);
        Sh.ipBatch(lab.ns(n1), List.of("address add " + free.thisEnd() + "/126 dev " + free.interfaceName()
                + " preferred_lft 0", "link set " + free.interfaceName() + " up"));
        Sh.ok("ip", "netns", "exec", ROGUE, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1",
                "net.ipv6.conf.all.accept_dad=0", "net.ipv6.conf.default.accept_dad=0");
        Sh.ipBatch(ROGUE, List.of("link set lo up", "link add " + MeshLab.STUB + " type ifb", "link set " + MeshLab.STUB + " up",
                "address add " + ETCD + "/128 dev " + MeshLab.STUB, "address add " + ROGUE_ONLY + "/128 dev " + MeshLab.STUB,
                "address add " + free.pool().get(0) + "/126 dev cluster0", "link set cluster0 up"));
        List<String> ports = new ArrayList<>(lab.daemon(n1).config().ports());
        ports.add(free.interfaceName());
        lab.daemon(n1).reconfigure(ports);
        rogue = provider().create(new NodeConfig("rogue", ROGUE_ROUTER_ID, List.of("cluster0"), MeshLab.STUB,
                Optional.of(ROGUE), lab.stateRoot().resolve("rogue"), MeshLab.routing()));
        rogue.start();

        // Three dead intervals: a speaker the node accepted would be Full (and its routes in) well within.
        String rogueId = dotted(ROGUE_ROUTER_ID);
        long end = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        while (System.nanoTime() < end) {
            assertThat(lab.daemon(n1).neighbours()).as("%s's neighbours", n1)
                    .noneMatch(n -> n.routerId().equals(rogueId));
            assertThat(destinations(lab.daemon(n1).installedRoutes())).as("%s's routes", n1)
                    .doesNotContain(new Ipv6Prefix(ETCD, 128), new Ipv6Prefix(ROGUE_ONLY, 128));
            MeshLab.sleep(500);
        }
        assertThat(rogue.neighbours()).as("the rogue's neighbours").isEmpty();
        // BIRD lists the rogue's own port /126 as an OSPF route of its own: only the mesh's prefixes count.
        List<Ipv6Prefix> mesh = new ArrayList<>();
        for (String m : lab.machines()) {
            mesh.add(new Ipv6Prefix(lab.block(m).host(), 128));
            mesh.add(lab.block(m).pods());
        }
        assertThat(destinations(rogue.installedRoutes())).as("the mesh's prefixes the rogue learnt")
                .doesNotContainAnyElementsOf(mesh);
        assertThat(rogue.installedRoutes()).as("routes through a neighbour the rogue learnt")
                .allMatch(r -> r.nextHops().stream().allMatch(h -> h.via() == null));
        assertThat(lab.kernelRoute(n1, ETCD)).as("%s's kernel route to the etcd anycast address", n1).isEmpty();
        // The mesh's own adjacency is untouched.
        lab.awaitRoutesMatch(lab.model(), Duration.ofSeconds(5), Integer.MAX_VALUE);
        assertThat(lab.daemon(n1).neighbours()).anyMatch(n -> n.full() && !n.routerId().equals(rogueId));
    }

    private static List<Ipv6Prefix> destinations(List<Route> routes) {
        return routes.stream().map(Route::destination).toList();
    }
}
