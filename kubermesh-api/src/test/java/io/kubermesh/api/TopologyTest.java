package io.kubermesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.Machine;
import io.kubermesh.api.Topology.PortRef;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopologyTest {
    @Test
    void theSeedIsTheGatewayAndFourMachinesInTheSeedsCabling() {
        Topology seed = Topology.seed();
        assertThat(seed.machines()).extracting(Machine::name)
                .containsExactly("gateway", "kubermesh1", "kubermesh2", "kubermesh3", "kubermesh4");
        assertThat(seed.cables()).extracting(Cable::toString).containsExactly(
                "gateway:0-kubermesh1:0", "kubermesh1:1-kubermesh2:0", "kubermesh1:2-kubermesh3:0",
                "kubermesh2:1-kubermesh4:0", "kubermesh3:1-kubermesh4:1");
    }

    @Test
    void gridsRingsAndLines() {
        assertThat(Topology.grid(4, 4).cables()).hasSize(24);
        assertThat(Topology.ring(6).cables()).hasSize(6);
        assertThat(Topology.line(3).cables()).hasSize(2);
        assertThat(Topology.ring(2).cables()).hasSize(1);
        assertThat(Topology.grid(4, 4).cablesOf("kubermesh5")).hasSize(4);
    }

    @Test
    void aPortCarriesOneCable() {
        List<Machine> m = List.of(new Machine("a", 2), new Machine("b", 2), new Machine("c", 2));
        assertThatThrownBy(() -> new Topology(m, List.of(new Cable(new PortRef("a", 0), new PortRef("b", 0)),
                new Cable(new PortRef("a", 0), new PortRef("c", 0))))).hasMessageContaining("a:0 already has one");
        assertThatThrownBy(() -> new Topology(m, List.of(new Cable(new PortRef("a", 5), new PortRef("b", 0)))))
                .hasMessageContaining("ports 0..1");
        assertThatThrownBy(() -> new Cable(new PortRef("a", 0), new PortRef("a", 1))).hasMessageContaining("two different");
        assertThatThrownBy(() -> new Topology(m, List.of(new Cable(new PortRef("a", 0), new PortRef("zz", 0)))))
                .hasMessageContaining("zz is not one");
    }
}
