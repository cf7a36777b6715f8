package io.kubermesh.routing.daemon.frr;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.RoutingSpec;
import io.kubermesh.routing.daemon.Fixtures;
import io.kubermesh.routing.daemon.NodeConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrrConfigTest {
    @Test
    void generatesTheGoldenFiles() {
        FrrConfig.Files f = FrrConfig.generate(Fixtures.node());
        assertThat(f.zebra()).isEqualTo(Fixtures.resource("frr/zebra.conf"));
        assertThat(f.ospf6d()).isEqualTo(Fixtures.resource("frr/ospf6d.conf"));
        assertThat(f.bfdd()).isEqualTo(Fixtures.resource("frr/bfdd.conf"));
    }

    @Test
    void everyFileStartsWithTheDatacenterDefaults() {
        FrrConfig.Files f = FrrConfig.generate(Fixtures.node());
        for (String file : List.of(f.zebra(), f.ospf6d(), f.bfdd())) {
            assertThat(file.lines().filter(l -> !l.startsWith("!")).findFirst()).contains("frr defaults datacenter");
        }
    }

    @Test
    void timersComeFromTheRoutingSpec() {
        NodeConfig base = Fixtures.node();
        RoutingSpec slow = new RoutingSpec(RoutingSpec.Daemon.FRR, Duration.ofSeconds(2), Duration.ofSeconds(10),
                Duration.ofMillis(250), 5);
        NodeConfig n = new NodeConfig(base.nodeName(), base.routerId(), List.of("cluster7"), base.stubInterface(),
                base.namespace(), base.stateDirectory(), slow);
        FrrConfig.Files f = FrrConfig.generate(n);
        assertThat(f.ospf6d()).contains("interface cluster7\n").contains(" ipv6 ospf6 hello-interval 2\n")
                .contains(" ipv6 ospf6 dead-interval 10\n").doesNotContain("interface cluster0");
        assertThat(f.bfdd()).contains("  detect-multiplier 5\n").contains("  receive-interval 250\n")
                .contains("  transmit-interval 250\n");
    }

    @Test
    void aNodeWithoutPortsStillAnnouncesItsStub() {
        String ospf6d = FrrConfig.generate(Fixtures.node().withPorts(List.of())).ospf6d();
        assertThat(ospf6d).doesNotContain("point-to-point").contains("interface stub0\n ipv6 ospf6 area 0.0.0.0\n ipv6 ospf6 passive\n");
    }

    @Test
    void reconfigurationCommandsMirrorTheFile() {
        NodeConfig n = Fixtures.node();
        List<String> add = FrrConfig.addPortCommands(n, "cluster5");
        assertThat(add.get(0)).isEqualTo("interface cluster5");
        assertThat(add.get(add.size() - 1)).isEqualTo("exit");
        String block = String.join("\n", add.subList(1, add.size() - 1).stream().map(l -> " " + l).toList());
        assertThat(FrrConfig.generate(n.withPorts(List.of("cluster5"))).ospf6d()).contains("interface cluster5\n" + block + "\nexit\n");
        assertThat(FrrConfig.removePortCommands("cluster5")).containsExactly("interface cluster5", "no ipv6 ospf6 bfd",
                "no ipv6 ospf6 area 0.0.0.0", "exit");
    }

    @Test
    void withAKeyEveryPortCarriesTheAuthenticationTrailerThroughTheKeyChain() {
        NodeConfig n = Fixtures.keyedNode();
        String ospf6d = FrrConfig.generate(n).ospf6d();
        assertThat(ospf6d).contains("key chain kubermesh\n key 7\n  key-string " + Fixtures.KEY.secret()
                + "\n  cryptographic-algorithm hmac-sha-256\n exit\nexit\n");
        assertThat(ospf6d.split("ipv6 ospf6 authentication keychain kubermesh\n", -1)).hasSize(n.ports().size() + 1);
        // The secret is defined once, in the file, never on a vtysh command line.
        assertThat(ospf6d.indexOf(Fixtures.KEY.secret())).isEqualTo(ospf6d.lastIndexOf(Fixtures.KEY.secret()));
        assertThat(String.join("\n", FrrConfig.addPortCommands(n, "cluster5")))
                .contains("ipv6 ospf6 authentication keychain kubermesh").doesNotContain(Fixtures.KEY.secret());
        // The stub is passive: no trailer needed there.
        assertThat(ospf6d.substring(ospf6d.indexOf("interface stub0"))).doesNotContain("authentication");
    }

    @Test
    void inARollTheChainHoldsBothKeysAndRetiresTheOldOneForSending() {
        NodeConfig n = Fixtures.rollingNode();
        String ospf6d = FrrConfig.generate(n).ospf6d();
        assertThat(ospf6d).isEqualTo(Fixtures.resource("frr/ospf6d-rolling.conf"));
        // Each secret once, in the file; the port commands name the chain only.
        for (String secret : List.of(Fixtures.KEY.secret(), Fixtures.NEXT_KEY.secret())) {
            assertThat(ospf6d.indexOf(secret)).isEqualTo(ospf6d.lastIndexOf(secret)).isPositive();
            assertThat(String.join("\n", FrrConfig.addPortCommands(n, "cluster5"))).doesNotContain(secret);
        }
    }

    @Test
    void withoutAKeyNothingIsAuthenticated() {
        String ospf6d = FrrConfig.generate(Fixtures.node()).ospf6d();
        assertThat(ospf6d).doesNotContain("key chain").doesNotContain("authentication");
    }
}
