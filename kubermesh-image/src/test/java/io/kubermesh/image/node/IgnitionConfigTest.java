package io.kubermesh.image.node;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.machine.ClusterProfile;
import io.kubermesh.boot.machine.IgnitionRenderer;
import io.kubermesh.boot.machine.Machine;
import io.kubermesh.boot.machine.MachineSecrets;
import io.kubermesh.boot.machine.MachineState;
import io.kubermesh.boot.machine.Profile;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IgnitionConfigTest {
    static final String CLUSTER = "cluster:\n  name: lab # a comment with 100% & ü\n";

    /** What a neighbour's boot services serve a netbooting machine, rendered by the boot module itself. */
    static String served() {
        Profile p = ClusterProfile.catalog(CLUSTER).profile("kubermesh").orElseThrow();
        Machine m = new Machine(MacAddress.parse("52:54:00:12:34:56"), "cluster2", "uuid", "x86_64", "", "kubermesh",
                MachineState.INSTALLING, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z");
        return IgnitionRenderer.render(p, m, new MachineSecrets("s3cret-token"));
    }

    @Test
    void readsTheConfigTheBootServicesRender() {
        IgnitionConfig c = IgnitionConfig.parse(served());
        assertThat(c.files()).extracting(IgnitionConfig.File::path).contains("/etc/hostname", "/etc/kubermesh/machine.env",
                "/etc/kubermesh/join-token", ClusterProfile.CLUSTER_FILE);
        IgnitionConfig.File cluster = c.files().stream().filter(f -> f.path().equals(ClusterProfile.CLUSTER_FILE)).findFirst()
                .orElseThrow();
        assertThat(cluster.text()).isEqualTo(CLUSTER);
        assertThat(cluster.mode()).isEqualTo(0644);
        IgnitionConfig.File token = c.files().stream().filter(f -> f.path().equals("/etc/kubermesh/join-token")).findFirst()
                .orElseThrow();
        assertThat(token.mode()).isEqualTo(0600);
        assertThat(token.text()).isEqualTo("s3cret-token\n");
        assertThat(c.files().stream().filter(f -> f.path().equals("/etc/kubermesh/machine.env")).findFirst().orElseThrow().text())
                .contains("KUBERMESH_MAC=52:54:00:12:34:56", "KUBERMESH_PORT=cluster2");
        assertThat(c.units()).extracting(IgnitionConfig.Unit::name).containsExactly("kubermesh-agent.service");
        assertThat(c.units().get(0).enabled()).isTrue();
    }

    @Test
    void rendersWhatItReads() {
        IgnitionConfig c = IgnitionConfig.parse(served());
        assertThat(IgnitionConfig.parse(c.render())).usingRecursiveComparison().isEqualTo(c);
    }

    @Test
    void decodesDataUrls() {
        assertThat(IgnitionConfig.dataUrl("data:,a%20b%0A", "x")).isEqualTo("a b\n".getBytes(StandardCharsets.UTF_8));
        assertThat(IgnitionConfig.dataUrl("data:text/plain;base64,aGk=", "x")).isEqualTo("hi".getBytes(StandardCharsets.UTF_8));
        assertThat(IgnitionConfig.dataUrl("data:,", "x")).isEmpty();
        assertThat(IgnitionConfig.encode("a b/ü".getBytes(StandardCharsets.UTF_8))).isEqualTo("data:,a%20b%2F%C3%BC");
    }

    @Test
    void malformedConfigsNameTheirField() {
        assertThatThrownBy(() -> IgnitionConfig.parse("{")).isInstanceOf(ConfigurationException.class).hasMessageContaining("ignition");
        assertThatThrownBy(() -> IgnitionConfig.parse("{\"ignition\":{\"version\":\"2.2.0\"}}"))
                .hasMessageContaining("ignition.version").hasMessageContaining("2.2.0");
        String remote = "{\"ignition\":{\"version\":\"3.4.0\"},\"storage\":{\"files\":[{\"path\":\"/etc/x\","
                + "\"contents\":{\"source\":\"http://evil/x\"}}]}}";
        assertThatThrownBy(() -> IgnitionConfig.parse(remote)).hasMessageContaining("storage.files[0].contents.source")
                .hasMessageContaining("inline data: URL");
        for (String bad : List.of("data:,%4", "data:,%zz", "data:;base64,!!!", "data:nocomma")) {
            String doc = "{\"ignition\":{\"version\":\"3.4.0\"},\"storage\":{\"files\":[{\"path\":\"/etc/x\","
                    + "\"contents\":{\"source\":\"" + bad + "\"}}]}}";
            assertThatThrownBy(() -> IgnitionConfig.parse(doc)).as(bad).isInstanceOf(ConfigurationException.class);
        }
        String relative = "{\"ignition\":{\"version\":\"3.4.0\"},\"storage\":{\"files\":[{\"path\":\"etc/x\","
                + "\"contents\":{\"source\":\"data:,\"}}]}}";
        assertThatThrownBy(() -> IgnitionConfig.parse(relative)).hasMessageContaining("storage.files[].path");
        String badUnit = "{\"ignition\":{\"version\":\"3.4.0\"},\"systemd\":{\"units\":[{\"name\":\"../x.service\"}]}}";
        assertThatThrownBy(() -> IgnitionConfig.parse(badUnit)).hasMessageContaining("systemd.units[].name");
    }
}
