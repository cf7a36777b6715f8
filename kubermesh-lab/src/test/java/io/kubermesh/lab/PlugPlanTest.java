package io.kubermesh.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.MachineStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlugPlanTest {
    // gateway:0 - a:0, a:1 - b:0, a:2 - c:0, b:1 - c:1
    private static final Topology MESH = new Topology(
            List.of(new Topology.Machine("gateway", 4), new Topology.Machine("a", 4), new Topology.Machine("b", 4),
                    new Topology.Machine("c", 4)),
            List.of(cable("gateway", 0, "a", 0), cable("a", 1, "b", 0), cable("a", 2, "c", 0), cable("b", 1, "c", 1)));

    private static Cable cable(String a, int ap, String b, int bp) {
        return new Cable(new PortRef(a, ap), new PortRef(b, bp));
    }

    private static List<MachineStatus> powered(String... off) {
        List<String> dead = List.of(off);
        return MESH.machines().stream().map(m -> new MachineStatus(m.name(), !dead.contains(m.name()),
                List.of(new MacAddress(0x525400000000L | (m.name().hashCode() & 0xFFFF))), true)).toList();
    }

    @Test
    void aPortWithoutNumberIsTheLowestFreeOne() {
        PlugPlan p = PlugPlan.of(MESH, powered(), List.of(new PortRef("a", -1), new PortRef("gateway", -1)), 4);
        assertThat(p.targets()).containsExactly(new PortRef("a", 3), new PortRef("gateway", 1));
        assertThat(p.cablesToCut()).isEmpty();
        assertThat(p.gone()).isEmpty();
    }

    @Test
    void twoUnnumberedPortsOfOneMachineAreDistinct() {
        PlugPlan p = PlugPlan.of(MESH, powered(), List.of(new PortRef("gateway", -1), new PortRef("gateway", -1)), 4);
        assertThat(p.targets()).containsExactly(new PortRef("gateway", 1), new PortRef("gateway", 2));
    }

    @Test
    void replacingADeadMachineOnAllItsPortsMakesItGone() {
        PlugPlan p = PlugPlan.of(MESH, powered("c"), List.of(new PortRef("a", 2), new PortRef("b", 1)), 4);
        assertThat(p.targets()).containsExactly(new PortRef("a", 2), new PortRef("b", 1));
        assertThat(p.cablesToCut()).containsExactly(cable("a", 2, "c", 0), cable("b", 1, "c", 1));
        assertThat(p.gone()).containsExactly("c");
    }

    @Test
    void takingOverSomeOfADeadMachinesPortsLeavesItThere() {
        PlugPlan p = PlugPlan.of(MESH, powered("c"), List.of(new PortRef("a", 2)), 4);
        assertThat(p.cablesToCut()).containsExactly(cable("a", 2, "c", 0));
        assertThat(p.gone()).isEmpty();
    }

    @Test
    void aPortCabledToARunningMachineIsRefused() {
        assertThatThrownBy(() -> PlugPlan.of(MESH, powered(), List.of(new PortRef("a", 1)), 4))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("a:1").hasMessageContaining("running");
    }

    @Test
    void noTargetOrAnUnknownMachineOrAFullMachineIsRefused() {
        assertThatThrownBy(() -> PlugPlan.of(MESH, powered(), List.of(), 4)).isInstanceOf(SubstrateException.class);
        assertThatThrownBy(() -> PlugPlan.of(MESH, powered(), List.of(new PortRef("z", -1)), 4))
                .hasMessageContaining("no machine z");
        assertThatThrownBy(() -> PlugPlan.of(MESH, powered(), List.of(new PortRef("a", -1)), 3))
                .hasMessageContaining("no free port");
    }

    @Test
    void bootOrderIsBreadthFirstFromTheGatewayWithStraysLast() {
        Topology t = new Topology(List.of(new Topology.Machine("x", 4), new Topology.Machine("c", 4),
                new Topology.Machine("b", 4), new Topology.Machine("a", 4), new Topology.Machine("gateway", 4)),
                List.of(cable("gateway", 0, "a", 0), cable("a", 1, "b", 0), cable("b", 1, "c", 0), cable("gateway", 1, "c", 1)));
        assertThat(BootOrder.of(t)).containsExactly("gateway", "a", "c", "b", "x");
    }
}
