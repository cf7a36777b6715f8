package io.kubermesh.addressing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.config.TopologySpecs;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopologySpecsTest {
    @Test
    void namedTopologies() {
        assertThat(TopologySpecs.resolve("seed", 0)).isEqualTo(Topology.seed());
        assertThat(TopologySpecs.resolve("ring", 6).cables()).hasSize(6);
        assertThat(TopologySpecs.resolve("line", 0).machines()).hasSize(5);
        assertThat(TopologySpecs.resolve("grid:4x4", 0).machines()).hasSize(16);
        assertThat(TopologySpecs.resolve("grid:4x4", 16).machines()).hasSize(16);
    }

    @Test
    void mismatchedSizesAndUnknownNamesAreBadInput() {
        assertThatThrownBy(() -> TopologySpecs.resolve("grid:4x4", 5)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--nodes").hasMessageContaining("16");
        assertThatThrownBy(() -> TopologySpecs.resolve("seed", 7)).hasMessageContaining("--nodes");
        assertThatThrownBy(() -> TopologySpecs.resolve("mesh", 0)).hasMessageContaining("--topology")
                .hasMessageContaining("grid:RxC");
        assertThatThrownBy(() -> TopologySpecs.resolve("ring", 5000)).hasMessageContaining("1..1000");
    }

    @Test
    void aFileOfCables(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "# a triangle and a tail\ngateway a\na b:3\nb gateway   # back\nb:0 c\n");
        Topology t = TopologySpecs.resolve(f.toString(), 0);
        assertThat(t.machines()).extracting(Topology.Machine::name).containsExactly("gateway", "a", "b", "c");
        assertThat(t.cables()).extracting(Cable::toString)
                .containsExactly("gateway:0-a:0", "a:1-b:3", "b:4-gateway:1", "b:0-c:0");
    }

    @Test
    void badLinesAreNamed(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("t.txt");
        Files.writeString(f, "a b\na:0 c\n");
        assertThatThrownBy(() -> TopologySpecs.resolve(f.toString(), 0)).hasMessageContaining("line 2")
                .hasMessageContaining("cabled on line 1");
        Files.writeString(f, "a b c\n");
        assertThatThrownBy(() -> TopologySpecs.resolve(f.toString(), 0)).hasMessageContaining("line 1");
        Files.writeString(f, "a a\n");
        assertThatThrownBy(() -> TopologySpecs.resolve(f.toString(), 0)).hasMessageContaining("two different");
        Files.writeString(f, "# nothing\n");
        assertThatThrownBy(() -> TopologySpecs.resolve(f.toString(), 0)).hasMessageContaining("at least one cable");
    }
}
