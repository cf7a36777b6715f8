package io.kubermesh.routing.daemon;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HostRequirements;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.RoutingSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NodeConfigTest {
    @Test
    void routerIdIsTheLow32BitsOfTheMac() {
        assertThat(NodeConfig.routerIdFor(MacAddress.parse("52:54:c0:a8:01:fe"))).isEqualTo(0xc0a801fe);
        NodeConfig n = Fixtures.node().withPorts(List.of());
        assertThat(new NodeConfig("n", NodeConfig.routerIdFor(MacAddress.parse("52:54:c0:a8:01:fe")), List.of(), "stub0",
                Optional.empty(), Path.of("/x"), RoutingSpec.DEFAULT).routerIdText()).isEqualTo("192.168.1.254");
        assertThat(n.routerIdText()).isEqualTo("0.107.0.2");
    }

    @Test
    void anAllZeroRouterIdBecomesOne() {
        assertThat(NodeConfig.routerIdFor(MacAddress.parse("52:54:00:00:00:00"))).isEqualTo(1);
    }

    @Test
    void commandsRunInsideTheNamespaceThroughNsenter() {
        CommandLine wrapped = Fixtures.node().inNamespace(HostRequirements.BIRD.args("-f"));
        assertThat(wrapped.argv()).containsExactly("nsenter", "--net=/run/netns/kmrd-n2", "--", "bird", "-f");
        assertThat(wrapped.programs()).containsExactly(HostRequirements.NSENTER, HostRequirements.BIRD);
        NodeConfig here = new NodeConfig("n", 1, List.of(), "stub0", Optional.empty(), Path.of("/x"), RoutingSpec.DEFAULT);
        assertThat(here.inNamespace(HostRequirements.BIRD.args()).argv()).containsExactly("bird");
    }

    @Test
    void rejectsBadPortsAndPaths() {
        NodeConfig n = Fixtures.node();
        assertThatThrownBy(() -> n.withPorts(List.of("cluster0", "cluster0"))).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("node.ports");
        assertThatThrownBy(() -> n.withPorts(List.of("stub0"))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> n.withPorts(List.of("a-name-longer-than15"))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> n.withPorts(List.of("bad\"quote"))).isInstanceOf(ConfigurationException.class);
        assertThatThrownBy(() -> new NodeConfig("n", 1, List.of(), "stub0", Optional.empty(), Path.of("relative"),
                RoutingSpec.DEFAULT)).isInstanceOf(ConfigurationException.class).hasMessageContaining("stateDirectory");
        assertThatThrownBy(() -> new NodeConfig("n", 0, List.of(), "stub0", Optional.empty(), Path.of("/x"),
                RoutingSpec.DEFAULT)).isInstanceOf(ConfigurationException.class).hasMessageContaining("routerId");
    }
}
