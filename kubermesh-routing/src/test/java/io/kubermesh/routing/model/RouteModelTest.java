package io.kubermesh.routing.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.Machine;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteModelTest {
    private static final Ipv6Address ANY = Ipv6Address.parse("fd65:7b9c:569:680::1");

    private static NextHop hop(int port) {
        return new NextHop("cluster" + port, null);
    }

    private static Route route(List<Route> routes, Ipv6Prefix dst) {
        return routes.stream().filter(r -> r.destination().equals(dst)).findFirst()
                .orElseThrow(() -> new AssertionError("no route to " + dst + " in " + routes));
    }

    @Test
    void seedTopologyHasEcmpAcrossTheSquare() {
        // gateway-1, 1-2, 1-3, 2-4, 3-4: from kubermesh1 to kubermesh4 two equal paths.
        RouteModel m = Meshes.model(Topology.seed());
        assertThat(m.distance("kubermesh1", "kubermesh4")).hasValue(2);
        assertThat(m.distance("gateway", "kubermesh4")).hasValue(3);
        // kubermesh1 has port 0 to the gateway, 1 to kubermesh2, 2 to kubermesh3.
        assertThat(m.nextHops("kubermesh1", "kubermesh4")).containsExactly(hop(1), hop(2));
        assertThat(m.nextHops("gateway", "kubermesh4")).containsExactly(hop(0));
        NodeBlock four = Meshes.block(4);
        List<Route> r = m.routes("kubermesh1");
        assertThat(route(r, new Ipv6Prefix(four.host(), 128)).nextHops()).containsExactly(hop(1), hop(2));
        assertThat(route(r, four.pods()).nextHops()).containsExactly(hop(1), hop(2));
        // Two routes per other machine, none to itself.
        assertThat(r).hasSize(8);
        assertThat(r).noneMatch(x -> x.destination().contains(Meshes.block(1).host()));
    }

    @Test
    void viaIsTheNeighboursLinkLocalWhereKnown() {
        Ipv6Address ll = Ipv6Address.parse("fe80::5054:ff:fe00:3");
        RouteModel m = Meshes.model(Topology.seed()).withLinkLocals(Map.of(new PortRef("kubermesh2", 0), ll));
        assertThat(m.nextHops("kubermesh1", "kubermesh4")).containsExactly(new NextHop("cluster1", ll), hop(2));
    }

    @Test
    void anycastGoesToTheNearestHolderAndSharesTies() {
        Topology line = Topology.line(5);
        // holders at both ends of a line of five
        RouteModel m = Meshes.model(line, Map.of(ANY, Set.of("gateway", "kubermesh4")));
        Ipv6Prefix any = new Ipv6Prefix(ANY, 128);
        assertThat(route(m.routes("kubermesh1"), any).nextHops()).containsExactly(hop(0));
        assertThat(route(m.routes("kubermesh3"), any).nextHops()).containsExactly(hop(1));
        // the middle one is at distance 2 from both: ECMP over both ports
        assertThat(route(m.routes("kubermesh2"), any).nextHops()).containsExactly(hop(0), hop(1));
        // a holder has no route to its own anycast address
        assertThat(m.routes("gateway")).noneMatch(r -> r.destination().equals(any));
        // the nearer holder lost: everyone goes to the other
        RouteModel lost = m.withoutMachine("gateway");
        assertThat(route(lost.routes("kubermesh2"), any).nextHops()).containsExactly(hop(1));
        assertThat(route(lost.routes("kubermesh1"), any).nextHops()).containsExactly(hop(1));
    }

    @Test
    void aCableCutReroutesAndANodeLostDisappears() {
        Topology ring = Topology.ring(6);
        RouteModel m = Meshes.model(ring);
        assertThat(m.distance("gateway", "kubermesh1")).hasValue(1);
        Cable c = ring.cables().get(0);
        RouteModel cut = m.withoutCable(c);
        assertThat(cut.distance("gateway", "kubermesh1")).hasValue(5);
        assertThat(cut.nextHops("gateway", "kubermesh1")).containsExactly(hop(1));

        RouteModel lost = m.withoutMachine("kubermesh3");
        assertThat(lost.routes("kubermesh3")).isEmpty();
        assertThat(lost.distance("kubermesh2", "kubermesh4")).hasValue(4);
        assertThat(lost.allRoutes()).doesNotContainKey("kubermesh3");
        NodeBlock three = Meshes.block(3);
        assertThat(lost.routes("gateway")).noneMatch(r -> r.destination().equals(three.pods()));
    }

    @Test
    void whatIfsCompose() {
        Topology ring = Topology.ring(6);
        RouteModel m = Meshes.model(ring).withoutCable(ring.cables().get(0)).withoutCable(ring.cables().get(3));
        // gateway-1 and 3-4 cut: the ring falls into {gateway,5,4} and {1,2,3}
        assertThat(m.distance("gateway", "kubermesh1")).isEmpty();
        assertThat(m.distance("gateway", "kubermesh4")).hasValue(2);
        assertThat(m.withoutMachine("kubermesh5").distance("gateway", "kubermesh4")).isEmpty();
        assertThat(Meshes.model(ring).distance("gateway", "kubermesh1")).hasValue(1);
    }

    @Test
    void parallelCablesAreTwoEqualNextHops() {
        Topology t = new Topology(List.of(new Machine("a", 2), new Machine("b", 2)),
                List.of(new Cable(new PortRef("a", 0), new PortRef("b", 1)), new Cable(new PortRef("a", 1), new PortRef("b", 0))));
        RouteModel m = new RouteModel(t, Map.of("a", Meshes.block(0), "b", Meshes.block(1)),
                Map.of(), Map.of());
        assertThat(m.nextHops("a", "b")).containsExactly(hop(0), hop(1));
        assertThat(m.distance("a", "b")).hasValue(1);
    }

    @Test
    void disconnectedMachinesHaveNoRoutes() {
        Topology t = Topology.fromPairs(4, new int[][] {{0, 1}, {2, 3}});
        RouteModel m = Meshes.model(t);
        assertThat(m.distance("gateway", "kubermesh2")).isEmpty();
        assertThat(m.routes("gateway")).hasSize(2);
    }

    @Test
    void sixNodeMeshWithChords() {
        RouteModel m = Meshes.model(Meshes.ringWithChords());
        // 0-3 chord: opposite corners are one hop; 0 to 2: via 1 or via 3 (3-2 ring edge).
        assertThat(m.distance("gateway", "kubermesh3")).hasValue(1);
        assertThat(m.distance("gateway", "kubermesh2")).hasValue(2);
        assertThat(m.nextHops("gateway", "kubermesh2")).hasSize(2);
        assertThat(m.allRoutes().values()).allSatisfy(r -> assertThat(r).hasSize(10));
    }

    @Test
    void rejectsUnknownMachinesAndCables() {
        RouteModel m = Meshes.model(Topology.seed());
        assertThatThrownBy(() -> m.distance("nobody", "gateway")).hasMessageContaining("nobody");
        assertThatThrownBy(() -> m.withoutCable(new Cable(new PortRef("gateway", 5), new PortRef("kubermesh4", 6))))
                .hasMessageContaining("no cable");
        assertThatThrownBy(() -> new RouteModel(Topology.seed(), Map.of(), Map.of(), Map.of()))
                .hasMessageContaining("no address block");
    }
}
