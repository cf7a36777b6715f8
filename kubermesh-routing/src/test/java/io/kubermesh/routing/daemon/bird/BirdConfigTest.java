package io.kubermesh.routing.daemon.bird;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.routing.daemon.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

class BirdConfigTest {
    @Test
    void generatesTheGoldenFile() {
        assertThat(BirdConfig.generate(Fixtures.node())).isEqualTo(Fixtures.resource("bird/bird.conf"));
    }

    @Test
    void theKernelProtocolNeverExportsStubRoutes() {
        String conf = BirdConfig.generate(Fixtures.node());
        String kernel = conf.substring(conf.indexOf("protocol kernel"), conf.indexOf("protocol bfd"));
        assertThat(kernel).contains("if ifname = \"stub0\" then reject;").contains("import none;");
    }

    @Test
    void portsFollowTheConfigAndNoPortsLeavesNoEmptyPattern() {
        String three = BirdConfig.generate(Fixtures.node().withPorts(List.of("cluster1", "cluster3", "cluster4")));
        assertThat(three).contains("interface \"cluster1\", \"cluster3\", \"cluster4\" {\n      type ptp;");
        String none = BirdConfig.generate(Fixtures.node().withPorts(List.of()));
        assertThat(none).doesNotContain("type ptp").doesNotContain("interface \"\"").contains("stub yes;")
                .contains("protocol bfd kmbfd {\n}\n");
    }
}
