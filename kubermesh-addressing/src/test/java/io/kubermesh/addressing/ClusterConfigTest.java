package io.kubermesh.addressing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.ControlPlaneSpec;
import io.kubermesh.api.HealthCheck;
import io.kubermesh.api.RoutingSpec;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterConfigTest {
    @Test
    void theSeedProfileHasTheSeedsValues() {
        ClusterSpec seed = ClusterConfig.seed();
        assertThat(seed.prefix()).hasToString("2001:db8::/71");
        assertThat(seed.anycastPrefix()).hasToString("fd65:7b9c:569:680::/64");
        assertThat(seed.nodeBlockLength()).isEqualTo(119);
        assertThat(seed.services()).extracting(s -> s.name() + " " + s.address().orElseThrow() + " " + s.port())
                .containsExactly(
                        "apiserver fd65:7b9c:569:680:98eb:c508:eb8c:1b80 443",
                        "etcd fd65:7b9c:569:680:98eb:c508:ea6b:b0b2 2379",
                        "docker-mirror fd65:7b9c:569:680:98e8:1762:7b6e:83f6 5000",
                        "gcr-mirror fd65:7b9c:569:680:98e8:1762:7b6e:61d3 5002",
                        "quay-mirror fd65:7b9c:569:680:98e8:1762:7abd:e0b7 5001");
        // etcd requires client certificates: its health is asked over HTTPS with the node's own.
        assertThat(seed.service("etcd").orElseThrow().check()).isEqualTo(new HealthCheck.Https("/health"));
        assertThat(seed.ipv4().nodePool()).hasToString("172.30.2.0/24");
        assertThat(seed.ipv4().podPool()).hasToString("172.31.0.0/16");
        assertThat(seed.routing()).isEqualTo(RoutingSpec.DEFAULT);
    }

    @Test
    void anEmptyFileIsAllDefaults() {
        ClusterSpec spec = ClusterConfig.parse("", "empty");
        assertThat(spec.prefix()).hasToString("2001:db8::/71");
        assertThat(spec.services()).isEmpty();
        assertThat(spec.routing().bfdInterval()).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void fieldsAreRead() {
        ClusterSpec spec = ClusterConfig.parse(String.join("\n",
                "cluster:",
                "  name: rack7",
                "  ipv6: { prefix: '2001:db8:1::/64', layout: { hostOffset: 0x40, portOffset: 0x0, ports: 4 } }",
                "  anycast:",
                "    services:",
                "      - { name: dns, port: 53, check: { command: [dig, '@::1'] }, interval: 500ms, rise: 3, fall: 1 }",
                "  routing: { daemon: bird, hello: 2s, dead: 8s, bfd: { interval: 50ms, multiplier: 5 } }",
                "  boot: { httpPort: 8081 }"), "test");
        assertThat(spec.name()).isEqualTo("rack7");
        assertThat(spec.layout().hostOffset()).isEqualTo(0x40);
        assertThat(spec.layout().ports()).isEqualTo(4);
        assertThat(spec.services().get(0).address()).isEmpty();
        assertThat(spec.services().get(0).check()).isEqualTo(new HealthCheck.Command(List.of("dig", "@::1")));
        assertThat(spec.services().get(0).interval()).isEqualTo(Duration.ofMillis(500));
        assertThat(spec.routing().daemon()).isEqualTo(RoutingSpec.Daemon.BIRD);
        assertThat(spec.routing().bfdMultiplier()).isEqualTo(5);
        assertThat(spec.boot().httpPort()).isEqualTo(8081);
    }

    @Test
    void aPrefixLongerThan71IsRefusedNamingTheField() {
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { ipv6: { prefix: '2001:db8::/72' } }", "t"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cluster.ipv6.prefix")
                .hasMessageContaining("2001:db8::/72")
                .hasMessageContaining("/71 or shorter");
    }

    @Test
    void unknownFieldsAreErrorsListingTheKnownOnes() {
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { ipv6: { prefx: x } }", "t"))
                .hasMessageContaining("cluster.ipv6.prefx")
                .hasMessageContaining("[layout, prefix]");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        ConfigurationException e = (ConfigurationException) org.assertj.core.api.Assertions.catchThrowable(() ->
                ClusterConfig.parse(String.join("\n",
                        "cluster:",
                        "  name: Bad_Name",
                        "  ipv6: { prefix: 'nonsense' }",
                        "  ipv4: { nodePool: '172.30.2.1/24' }",
                        "  routing: { daemon: quagga, hello: 1 }",
                        "  anycast: { services: [ { name: a, port: 70000 }, { port: 1 } ] }"), "t"));
        assertThat(e.problems()).extracting(ConfigurationException.Problem::path).contains(
                "cluster.ipv6.prefix", "cluster.ipv4.nodePool", "cluster.routing.daemon", "cluster.routing.hello",
                "cluster.anycast.services[0].port", "cluster.anycast.services[1].name");
        assertThat(e.getMessage()).contains("did you mean 172.30.2.0/24");
    }

    @Test
    void anOverlappingLayoutNamesBothFields() {
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { ipv6: { layout: { hostOffset: 0x20, portOffset: 0x20 } } }", "t"))
                .hasMessageContaining("cluster.ipv6.layout.portOffset")
                .hasMessageContaining("overlaps the host region")
                .hasMessageContaining("hostOffset");
    }

    @Test
    void aLayoutThatDoesNotFitTheLowerHalfIsRefused() {
        // A /119 block has 512 addresses; its lower half ends at 0x100.
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { ipv6: { layout: { portOffset: 0x100 } } }", "t"))
                .hasMessageContaining("cluster.ipv6.layout.portOffset").hasMessageContaining("lower half");
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { ipv6: { layout: { portOffset: 0x30 } } }", "t"))
                .hasMessageContaining("multiple of 0x20");
    }

    @Test
    void anAnycastAddressOutsideTheAnycastPrefixIsRefused() {
        assertThatThrownBy(() -> ClusterConfig.parse(
                "cluster: { anycast: { services: [ { name: x, address: '2001:db8::1', port: 1 } ] } }", "t"))
                .hasMessageContaining("cluster.anycast.services[0].address");
    }

    @Test
    void duplicateServicesAreRefused() {
        assertThatThrownBy(() -> ClusterConfig.parse(
                "cluster: { anycast: { services: [ { name: x, port: 1 }, { name: x, port: 2 } ] } }", "t"))
                .hasMessageContaining("cluster.anycast.services[1].name");
    }

    @Test
    void brokenYamlSaysWhere() {
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { name: [", "file.yaml"))
                .hasMessageContaining("line");
    }

    @Test
    void anUnknownProfileListsTheKnownOnes() {
        assertThatThrownBy(() -> ClusterConfig.profile("prod")).hasMessageContaining("--profile").hasMessageContaining("seed");
    }

    @Test
    void theControlPlaneSectionIsOptionalAndRead() {
        assertThat(ClusterConfig.parse("", "empty").controlPlane()).isEqualTo(ControlPlaneSpec.DEFAULT);
        assertThat(ClusterConfig.seed().controlPlane().etcdMembers()).isEqualTo(3);
        assertThat(ClusterConfig.seed().controlPlane().memberGrace()).isLessThanOrEqualTo(Duration.ofSeconds(60));
        ClusterSpec spec = ClusterConfig.parse("cluster: { controlPlane: { etcdMembers: 5, memberGrace: 15s } }", "test");
        assertThat(spec.controlPlane()).isEqualTo(new ControlPlaneSpec(5, Duration.ofSeconds(15)));
        assertThat(spec.withServices(List.of()).controlPlane()).isEqualTo(spec.controlPlane());
    }

    @Test
    void etcdMembersZeroTurnsEtcdOff() {
        ClusterSpec spec = ClusterConfig.parse("cluster: { controlPlane: { etcdMembers: 0 } }", "test");
        assertThat(spec.controlPlane().etcdMembers()).isZero();
        assertThat(spec.controlPlane().etcd()).isFalse();
        assertThat(ClusterConfig.seed().controlPlane().etcd()).isTrue();
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { controlPlane: { etcdMembers: -1 } }", "test"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cluster.controlPlane.etcdMembers");
    }

    @Test
    void whereAServiceIsExpectedIsReadWithDefaultsByName() {
        ClusterSpec seed = ClusterConfig.seed();
        assertThat(seed.service("etcd").orElseThrow().expected()).isEqualTo(AnycastService.Expected.ETCD_MEMBERS);
        for (String optional : List.of("apiserver", "docker-mirror", "gcr-mirror", "quay-mirror")) {
            assertThat(seed.service(optional).orElseThrow().expected()).as(optional).isEqualTo(AnycastService.Expected.OPTIONAL);
        }
        ClusterSpec spec = ClusterConfig.parse("""
                cluster:
                  anycast:
                    services:
                      - { name: etcd, port: 2379 }
                      - { name: web, port: 80 }
                      - { name: dns, port: 53, expected: optional }
                """, "test");
        assertThat(spec.services()).extracting(AnycastService::expected).containsExactly(AnycastService.Expected.ETCD_MEMBERS,
                AnycastService.Expected.ALL_NODES, AnycastService.Expected.OPTIONAL);
        assertThatThrownBy(() -> ClusterConfig.parse(
                "cluster: { anycast: { services: [ { name: web, port: 80, expected: somewhere } ] } }", "test"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cluster.anycast.services[0].expected").hasMessageContaining("'somewhere'")
                .hasMessageContaining("etcdMembers, allNodes or optional");
    }

    @Test
    void badControlPlaneValuesNameTheirFields() {
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { controlPlane: { etcdMembers: 4 } }", "test"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cluster.controlPlane.etcdMembers").hasMessageContaining("'4'")
                .hasMessageContaining("1, 3, 5 or 7");
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { controlPlane: { x: 1 } }", "test"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("cluster.controlPlane.x");
        assertThatThrownBy(() -> ClusterConfig.parse("cluster: { controlPlane: { memberGrace: 1s } }", "test"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cluster.controlPlane.memberGrace").hasMessageContaining("5s..24h");
    }
}
