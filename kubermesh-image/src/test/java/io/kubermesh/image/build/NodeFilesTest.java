package io.kubermesh.image.build;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.controlplane.kubernetes.ClusterYaml;
import io.kubermesh.image.node.IgnitionConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Golden tests of the node OS's configuration ({@code src/test/resources/golden/}). */
class NodeFilesTest {
    static final Map<String, OsFile> FILES = NodeFiles.all().stream().collect(Collectors.toMap(OsFile::path, Function.identity()));

    static String golden(String name) throws IOException {
        try (InputStream in = NodeFilesTest.class.getResourceAsStream("/golden/" + name)) {
            assertThat(in).as("golden file " + name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void unitsAsGolden() throws IOException {
        assertThat(FILES.get("/usr/lib/systemd/system/kubermesh-setup.service").text()).isEqualTo(golden("kubermesh-setup.service"));
        assertThat(FILES.get("/usr/lib/systemd/system/kubermesh-agent.service").text()).isEqualTo(golden("kubermesh-agent.service"));
        assertThat(FILES.get("/usr/lib/systemd/system/kubermesh-agent.service.d/10-node.conf").text())
                .isEqualTo(golden("kubermesh-agent-node.conf"));
        assertThat(FILES.get("/etc/udev/rules.d/70-kubermesh-ports.rules").text()).isEqualTo(golden("70-kubermesh-ports.rules"));
        assertThat(FILES.get("/usr/bin/kubermesh").text()).isEqualTo(golden("kubermesh.sh"));
    }

    @Test
    void systemdIsInitAndTheDaemonsTheAgentRunsAreMasked() {
        assertThat(FILES.get("/init").link()).isTrue();
        assertThat(FILES.get("/init").text()).isEqualTo("/usr/lib/systemd/systemd");
        for (String unit : List.of("frr.service", "bird.service", "etcd.service")) {
            OsFile mask = FILES.get("/etc/systemd/system/" + unit);
            assertThat(mask).as(unit).isNotNull();
            assertThat(mask.link()).isTrue();
            assertThat(mask.text()).isEqualTo("/dev/null");
        }
        assertThat(FILES.get("/etc/systemd/system/multi-user.target.wants/kubermesh-agent.service").link()).isTrue();
        assertThat(FILES).doesNotContainKey("/etc/initrd-release");
    }

    @Test
    void theNodeFilesCarryNoClusterAndNoSecret() {
        for (OsFile f : NodeFiles.all()) {
            assertThat(f.path()).doesNotContain("cluster.yaml", "join-token", "ignition.json", "key");
            assertThat(f.text()).doesNotContain("BEGIN", "2001:db8", "token");
        }
    }

    @Test
    void theFirstMachinesConfigForTheSeedProfileAsGolden() throws IOException {
        String seed = ClusterYaml.write(ClusterConfig.seed());
        String rendered = FirstMachine.config(seed, "0123456789abcdef").render();
        assertThat(rendered).isEqualTo(golden("first-machine-seed.ign"));
        IgnitionConfig back = IgnitionConfig.parse(rendered);
        assertThat(back.files()).extracting(IgnitionConfig.File::path)
                .containsExactly("/etc/kubermesh/cluster.yaml", "/etc/kubermesh/join-token", "/etc/hostname");
        assertThat(back.files().get(0).text()).isEqualTo(seed);
        assertThat(ClusterConfig.parse(back.files().get(0).text(), "first machine")).isEqualTo(ClusterConfig.seed());
        assertThat(back.files().get(1).mode()).isEqualTo(0600);
        assertThat(back.units().get(0).contents()).contains("--etcd-bootstrap", "--config /etc/kubermesh/cluster.yaml");
    }

    @Test
    void theEspBootsTheOneEntryAtOnceWithTheEditorOff() {
        assertThat(EspContents.loaderConf()).contains("timeout 0", "editor no", "default kubermesh.conf");
        assertThat(EspContents.entry()).isEqualTo("title kubermesh\nlinux /kubermesh/vmlinuz\ninitrd /kubermesh/initrd.img\n"
                + "options console=tty0 console=ttyS0,115200n8 kubermesh.boot=disk\n");
    }
}
