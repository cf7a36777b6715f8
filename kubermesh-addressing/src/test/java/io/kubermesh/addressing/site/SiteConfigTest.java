package io.kubermesh.addressing.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.ConfigurationException.Problem;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology;
import io.kubermesh.spi.BmcAddress;
import io.kubermesh.spi.PowerTarget;
import io.kubermesh.spi.TlsTrust;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SiteConfigTest {
    private static final String SECRET = "correct horse battery staple";

    @TempDir
    Path dir;
    private final Function<String, String> env = Map.of("KM_BMC_NODE2", "env-secret-42")::get;

    @BeforeEach
    void passwordFile() throws IOException {
        Path p = dir.resolve("node1.password");
        Files.writeString(p, SECRET + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }

    private SiteInventory golden() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("site.yaml")) {
            return SiteConfig.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "site.yaml", dir, env);
        }
    }

    @Test
    void readsTheGoldenInventory() throws IOException {
        SiteInventory site = golden();
        assertThat(site.name()).isEqualTo("rack1");
        assertThat(site.machines()).extracting(SiteMachine::name).containsExactly("gateway", "node1", "node2", "node3");
        assertThat(site.machine("gateway").orElseThrow().power()).isEmpty();
        assertThat(site.machine("gateway").orElseThrow().nics()).containsExactly(MacAddress.parse("52:54:00:00:00:01"),
                MacAddress.parse("52:54:00:00:00:02"), MacAddress.parse("52:54:00:00:00:03"));

        PowerTarget ipmi = site.powerTarget("NODE", "node1");
        assertThat(ipmi.address()).isEqualTo(new BmcAddress.Ipmi("192.0.2.11", 623));
        assertThat(ipmi.credentials().orElseThrow().username()).isEqualTo("admin");
        assertThat(new String(ipmi.credentials().orElseThrow().password().reveal())).isEqualTo(SECRET);
        assertThat(ipmi.credentials().orElseThrow().toString()).doesNotContain(SECRET)
                .contains("file " + dir.resolve("node1.password"));
        assertThat(ipmi.tls()).isEmpty();

        PowerTarget redfish = site.powerTarget("NODE", "node2");
        assertThat(redfish.address()).isEqualTo(new BmcAddress.Redfish("2001:db8::12", 8443, Optional.of("System.Embedded.1")));
        assertThat(redfish.address().toString()).isEqualTo("redfish://[2001:db8::12]:8443/redfish/v1/Systems/System.Embedded.1");
        assertThat(new String(redfish.credentials().orElseThrow().password().reveal())).isEqualTo("env-secret-42");
        assertThat(redfish.tls().orElseThrow()).isInstanceOf(TlsTrust.PinnedCertificate.class);
        assertThat(redfish.tls().orElseThrow().toString()).startsWith("sha256:3A:9C:4F:00:11");

        PowerTarget wol = site.powerTarget("NODE", "node3");
        assertThat(wol.address()).isEqualTo(new BmcAddress.WakeOnLan(MacAddress.parse("52:54:00:00:03:01"), "cluster2", "gateway:2"));
        assertThat(wol.credentials()).isEmpty();

        assertThat(site.cables()).containsExactly(
                new Topology.Cable(new Topology.PortRef("gateway", 0), new Topology.PortRef("node1", 0)),
                new Topology.Cable(new Topology.PortRef("gateway", 1), new Topology.PortRef("node2", 0)),
                new Topology.Cable(new Topology.PortRef("gateway", 2), new Topology.PortRef("node3", 0)));
        assertThat(site.topology().machines()).hasSize(4);
    }

    @Test
    void aPasswordFileOthersCanReadIsRefusedWithTheFix() throws IOException {
        Files.setPosixFilePermissions(dir.resolve("node1.password"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(this::golden).isInstanceOfSatisfying(ConfigurationException.class, e -> {
            assertThat(e.problems()).extracting(Problem::path).containsExactly("site.machines[1].bmc.passwordFile");
            assertThat(e.getMessage()).contains("rw-r--r--").contains("chmod 600").doesNotContain(SECRET);
        });
    }

    @Test
    void aPasswordFileMadeReadableLaterIsRefusedWhenRead() throws IOException {
        SiteInventory site = golden();
        Files.setPosixFilePermissions(dir.resolve("node1.password"), PosixFilePermissions.fromString("rw-rw----"));
        assertThatThrownBy(() -> site.powerTarget("NODE", "node1").credentials().orElseThrow().password().reveal())
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("chmod 600");
    }

    @Test
    void anUnsetPasswordVariableIsNamed() throws IOException {
        try (InputStream in = getClass().getResourceAsStream("site.yaml")) {
            String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThatThrownBy(() -> SiteConfig.parse(yaml, "site.yaml", dir, v -> null))
                    .isInstanceOfSatisfying(ConfigurationException.class, e -> assertThat(e.problems())
                            .extracting(Problem::path, Problem::value)
                            .containsExactly(org.assertj.core.groups.Tuple.tuple("site.machines[2].bmc.passwordEnv", "KM_BMC_NODE2")));
        }
    }

    private List<Problem> problems(String yaml) {
        try {
            SiteConfig.parse(yaml, "test", dir, env);
        } catch (ConfigurationException e) {
            assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("hunter2");
            return e.problems();
        }
        throw new AssertionError("expected the inventory to be refused:\n" + yaml);
    }

    private static String machine(String bmc) {
        return "site:\n  machines:\n    - name: gateway\n      nics: [\"52:54:00:00:00:01\"]\n"
                + "    - name: node1\n      nics: [\"52:54:00:00:01:01\"]\n      bmc: " + bmc + "\n"
                + "  cables:\n    - [\"gateway:0\", \"node1:0\"]\n";
    }

    @Test
    void anInlinePasswordIsRefused() {
        assertThat(problems(machine("{address: \"ipmi://h\", username: a, password: hunter2}")))
                .extracting(Problem::path, Problem::value)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("site.machines[1].bmc.password", null));
    }

    @Test
    void credentialsInTheAddressAreRefusedWithoutRepeatingThem() {
        List<Problem> p = problems(machine("{address: \"redfish://root:hunter2@h\", username: a, passwordEnv: KM_BMC_NODE2,"
                + " tls: {fingerprint: \"" + "ab".repeat(32) + "\"}}"));
        assertThat(p).extracting(Problem::path).containsExactly("site.machines[1].bmc.address");
        assertThat(p.get(0).value()).isNull();
    }

    @Test
    void malformedInventoriesNameEveryProblemWithItsPath() {
        assertThat(problems("site:\n  name: Rack_1\n  machines: []\n")).extracting(Problem::path)
                .containsExactly("site.name", "site.machines");
        assertThat(problems("site:\n  machines:\n    - name: a\n      nics: [\"01:00:5e:00:00:01\", \"zz\"]\n      colour: red\n"))
                .extracting(Problem::path).containsExactly("site.machines[0].colour");
        assertThat(problems("site:\n  machines:\n    - name: a\n      nics: [\"01:00:5e:00:00:01\", \"zz\"]\n"))
                .extracting(Problem::path).containsExactly("site.machines[0].nics[0]", "site.machines[0].nics[1]");
        assertThat(problems("site:\n  machines:\n    - {name: a, nics: [\"52:54:00:00:00:01\"]}\n"
                + "    - {name: a, nics: [\"52:54:00:00:00:01\"]}\n"))
                .extracting(Problem::path).containsExactly("site.machines[1].name", "site.machines[1].nics[0]");
        assertThat(problems(machine("{address: \"ipmi://h\", username: a, passwordEnv: KM_BMC_NODE2}")
                .replace("[\"gateway:0\", \"node1:0\"]", "[\"gateway:0\", \"node1:1\"]\n    - [\"gateway:0\", \"nodeX:0\"]\n    - [x]")))
                .extracting(Problem::path).containsExactly("site.cables[0][1]", "site.cables[1][1]", "site.cables[2]");
        assertThat(problems(machine("{address: \"tftp://h\", username: a, passwordEnv: KM_BMC_NODE2}")))
                .extracting(Problem::path).containsExactly("site.machines[1].bmc.address");
        assertThat(problems(machine("{address: \"ipmi://h\", passwordFile: x, passwordEnv: KM_BMC_NODE2, tls: {caFile: y}}")))
                .extracting(Problem::path).containsExactly("site.machines[1].bmc.username", "site.machines[1].bmc.passwordEnv",
                        "site.machines[1].bmc.tls");
        assertThat(problems(machine("{address: \"ipmi://h\", username: a, passwordFile: missing.password}")))
                .extracting(Problem::path, Problem::expected)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("site.machines[1].bmc.passwordFile",
                        "an existing file holding the password"));
    }

    @Test
    void redfishNeedsATlsIdentity() {
        assertThat(problems(machine("{address: \"redfish://h\", username: a, passwordEnv: KM_BMC_NODE2}")))
                .extracting(Problem::path).containsExactly("site.machines[1].bmc.tls");
        assertThat(problems(machine("{address: \"redfish://h\", username: a, passwordEnv: KM_BMC_NODE2,"
                + " tls: {fingerprint: \"sha256:12:34\"}}")))
                .extracting(Problem::path).containsExactly("site.machines[1].bmc.tls.fingerprint");
        assertThat(problems(machine("{address: \"redfish://h\", username: a, passwordEnv: KM_BMC_NODE2,"
                + " tls: {caFile: nowhere.pem}}")))
                .extracting(Problem::path).containsExactly("site.machines[1].bmc.tls.caFile");
    }

    @Test
    void wakeOnLanNeedsACableAndNoCredentials() {
        assertThat(problems(machine("{address: wol, username: a}"))).extracting(Problem::path)
                .containsExactly("site.machines[1].bmc.username");
        assertThat(problems(machine("{address: wol}").replace("  cables:\n    - [\"gateway:0\", \"node1:0\"]\n", "")))
                .extracting(Problem::path).containsExactly("site.machines[1].bmc.port");
        assertThat(problems(machine("{address: wol, port: \"gateway:3\"}"))).extracting(Problem::path)
                .containsExactly("site.machines[1].bmc.port");
        assertThat(problems(machine("{address: wol, mac: \"52:54:00:99:99:99\"}"))).extracting(Problem::path)
                .containsExactly("site.machines[1].bmc.mac");
    }

    @Test
    void aMachineWithoutABmcCannotBePowered() throws IOException {
        SiteInventory site = golden();
        assertThatThrownBy(() -> site.powerTarget("NODE[0]", "gateway")).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.getMessage()).contains("NODE[0]").contains("[node1, node2, node3]"));
        assertThatThrownBy(() -> site.powerTarget("NODE[0]", "node9")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("a machine of site rack1");
    }

    @Test
    void aFileThatIsNotYamlSaysWhere() {
        assertThatThrownBy(() -> SiteConfig.parse("site: [\n", "broken.yaml", dir, env))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("does not parse at line");
    }
}
