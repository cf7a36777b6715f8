package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.provider.baremetal.Sites;
import io.kubermesh.spi.SubstrateConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Option {@code baremetal.ports}: {@code host} by default, {@code tap}, and nothing else, said before anything is made. */
class GatewayPortsTest {
    @TempDir
    Path dir;

    @Test
    void hostAndTapAreTheValuesAndHostIsTheDefault() {
        assertThat(GatewayPorts.of("host")).isEqualTo(GatewayPorts.HOST);
        assertThat(GatewayPorts.of("tap")).isEqualTo(GatewayPorts.TAP);
        assertThat(GatewayPorts.HOST.option()).isEqualTo("host");
        assertThat(GatewayPorts.TAP.option()).isEqualTo("tap");
    }

    @Test
    void anyOtherValueIsAConfigurationErrorNamingTheOptionTheValueAndWhatIsAllowed() throws Exception {
        Sites.write(dir, "site:\n  name: kmbm\n  machines:\n    - {name: gateway, nics: [\"52:54:00:6b:6f:00\"]}\n  cables: []\n");
        for (String bad : List.of("", "HOST", "taps", "veth", "eth0")) {
            assertThatThrownBy(() -> new BaremetalSubstrateProvider().create(new SubstrateConfig(ClusterConfig.seed(),
                    dir.resolve("state"), Map.of("site", dir.resolve("site.yaml").toString(), BaremetalSubstrateProvider.PORTS, bad))))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("baremetal.ports").hasMessageContaining("'" + bad + "'")
                    .hasMessageContaining("host (this host's NICs with the gateway's MACs) or tap (a tap per NIC, for VMs)");
            assertThat(dir.resolve("state")).as("nothing is made before the options are valid").doesNotExist();
        }
    }

    @Test
    void bothValuesMakeASubstrate() throws Exception {
        Sites.write(dir, "site:\n  name: kmbm\n  machines:\n    - {name: gateway, nics: [\"52:54:00:6b:6f:00\"]}\n  cables: []\n");
        for (String ok : List.of("host", "tap")) {
            try (var s = new BaremetalSubstrateProvider().create(new SubstrateConfig(ClusterConfig.seed(), dir.resolve(ok),
                    Map.of("site", dir.resolve("site.yaml").toString(), BaremetalSubstrateProvider.PORTS, ok,
                    // a name of its own: close removes the gateway's namespace, which the default could name on this host
                    "baremetal.netns", "kmgwp-unit")))) {
                assertThat(s.machines()).isEmpty();
            }
        }
    }
}
