package io.kubermesh.controlplane.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ClusterYamlTest {
    @Test
    void theSeedReadsBackAsTheSameSpec() {
        ClusterSpec seed = ClusterConfig.seed();
        assertThat(ClusterConfig.parse(ClusterYaml.write(seed), "written")).isEqualTo(seed);
    }

    @Test
    void everyCheckKindAndNonDefaultValueSurvives() {
        ClusterSpec spec = ClusterConfig.parse("""
                cluster:
                  name: other
                  ipv6: { prefix: "2001:db8:1::/64", layout: { hostOffset: 0, portOffset: 32, ports: 4 } }
                  anycast:
                    prefix: "fd00:1::/64"
                    services:
                      - { name: a, port: 80, check: { command: [/bin/true, x] }, interval: 250ms, rise: 3, fall: 5 }
                      - { name: b, address: "fd00:1::b", port: 81, check: { http: /ok } }
                  ipv4: { nodePool: "10.0.0.0/16", podPool: "10.8.0.0/13", podPrefixLength: 26 }
                  routing: { daemon: bird, hello: 2s, dead: 10s, bfd: { interval: 50ms, multiplier: 5 } }
                  boot: { httpPort: 8081, routerLifetime: 30m }
                  controlPlane: { etcdMembers: 5, memberGrace: 90s }
                """, "test");
        assertThat(ClusterConfig.parse(ClusterYaml.write(spec), "written")).isEqualTo(spec);
    }

    @Test
    void durationsUseTheLargestExactUnit() {
        assertThat(ClusterYaml.duration(Duration.ofMillis(100))).isEqualTo("100ms");
        assertThat(ClusterYaml.duration(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(ClusterYaml.duration(Duration.ofSeconds(4))).isEqualTo("4s");
        assertThat(ClusterYaml.duration(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(ClusterYaml.duration(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(ClusterYaml.duration(Duration.ofHours(2))).isEqualTo("2h");
        assertThat(ClusterYaml.duration(Duration.ZERO)).isEqualTo("0ms");
    }
}
