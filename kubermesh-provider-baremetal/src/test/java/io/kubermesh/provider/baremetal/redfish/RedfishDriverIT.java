package io.kubermesh.provider.baremetal.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.provider.baremetal.Sites;
import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.MachinePower;
import io.kubermesh.spi.PowerPolicy;
import io.kubermesh.spi.PowerState;
import io.kubermesh.testkit.bmc.HostTools;
import io.kubermesh.testkit.bmc.QemuChassis;
import io.kubermesh.testkit.bmc.RedfishEmulator;
import io.kubermesh.testkit.bmc.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The Redfish emulator (testkit) checked with real clients, redfishtool and python3-sushy, so it is
 * not a mirror of our client; then the Redfish driver against it: a qemu VM as the system, TLS with
 * the emulator's certificate pinned or as a CA, sessions. One emulator, tests in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedfishDriverIT {
    private static final String PASSWORD = "kmpw-Redfish-1";
    private static final PowerPolicy POLICY = new PowerPolicy(Duration.ofSeconds(10), Duration.ofMillis(500),
            Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(20));
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path dir;
    private RedfishEmulator bmc;
    private TestCertificate certificate;
    private SiteInventory site;
    private final List<PowerState> progress = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        HostTools.require("redfishtool", "redfishtool");
        if (!Files.isDirectory(Path.of("/usr/lib/python3/dist-packages/sushy"))) {
            throw new AssertionError("python3-sushy is missing: apt-get install -y python3-sushy");
        }
        dir = Files.createTempDirectory("kmpw-redfish");
        certificate = TestCertificate.create(dir.resolve("tls"), "kmpw-bmc");
        bmc = new RedfishEmulator(new QemuChassis(dir.resolve("chassis"), "kmpw-redfish-vm", "52:54:00:6b:72:01", false),
                certificate, "root", PASSWORD);
        Sites.passwordFile(dir, "good.password", PASSWORD);
        Sites.passwordFile(dir, "bad.password", "guessed");
        String address = "redfish://127.0.0.1:" + bmc.port();
        site = Sites.write(dir, "site:\n  machines:\n"
                + "    - {name: gateway, nics: [\"52:54:00:6b:72:00\"]}\n"
                + machine("node1", 1, address, "good", "{fingerprint: \"" + certificate.fingerprint() + "\"}")
                + machine("node2", 2, address + "/redfish/v1/Systems/kmpw-1", "good", "{caFile: \"" + certificate.pem() + "\"}")
                + machine("node3", 3, address, "good", "{fingerprint: \"sha256:" + "00:".repeat(31) + "00\"}")
                + machine("node4", 4, address, "bad", "{caFile: \"" + certificate.pem() + "\"}"));
    }

    private static String machine(String name, int n, String address, String password, String tls) {
        return "    - name: " + name + "\n      nics: [\"52:54:00:6b:72:0" + n + "\"]\n"
                + "      bmc: {address: \"" + address + "\", username: root, passwordFile: " + password + ".password, tls: " + tls + "}\n";
    }

    @AfterAll
    void stop() {
        if (bmc != null) {
            bmc.close();
        }
        HostTools.deleteTree(dir);
    }

    private JsonNode redfishtool(String... args) throws Exception {
        String[] base = {"redfishtool", "-r", "127.0.0.1:" + bmc.port(), "-u", "root", "-p", PASSWORD, "-S", "Always", "-A", "Session",
                "-T", "20"};
        String[] command = new String[base.length + args.length];
        System.arraycopy(base, 0, command, 0, base.length);
        System.arraycopy(args, 0, command, base.length, args.length);
        String out = HostTools.run(60, command);
        return out.isBlank() ? JSON.nullNode() : JSON.readTree(out);
    }

    private String sushy(String script) {
        // requests lets REQUESTS_CA_BUNDLE/CURL_CA_BUNDLE override a session's verify=, so they go.
        String program = "import os, sushy\n"
                + "os.environ.pop('REQUESTS_CA_BUNDLE', None); os.environ.pop('CURL_CA_BUNDLE', None)\n"
                + "s = sushy.Sushy('" + bmc.url() + "/redfish/v1', username='root', password='" + PASSWORD + "', verify='"
                + certificate.pem() + "')\n"
                + "system = s.get_system('" + bmc.systemPath() + "')\n" + script;
        return HostTools.run(60, "/usr/bin/python3", "-c", program).trim();
    }

    @Test
    @Order(1)
    void realClientsReadTheEmulatedSystem() throws Exception {
        JsonNode system = redfishtool("Systems", "-I", "kmpw-1");
        assertThat(system.path("PowerState").asText()).isEqualTo("Off");
        assertThat(system.path("Actions").path("#ComputerSystem.Reset").path("ResetType@Redfish.AllowableValues").toString())
                .contains("ForceOff", "GracefulShutdown");
        assertThat(sushy("print(system.power_state.value, system.boot.target.value)")).isEqualTo("Off None");
        assertThat(bmc.requests()).anyMatch(r -> r.startsWith("POST /redfish/v1/SessionService/Sessions"))
                .anyMatch(r -> r.startsWith("GET /redfish/v1/Systems/kmpw-1 session"));
    }

    @Test
    @Order(2)
    void realClientsDriveItsPowerAndBoot() throws Exception {
        sushy("system.reset_system(sushy.RESET_ON)");
        assertThat(bmc.chassis().powered()).isTrue();
        assertThat(sushy("print(system.power_state.value)")).isEqualTo("On");
        redfishtool("Systems", "-I", "kmpw-1", "reset", "ForceOff");
        assertThat(bmc.chassis().powered()).isFalse();
        redfishtool("Systems", "-I", "kmpw-1", "setBootOverride", "Once", "Hdd");
        assertThat(bmc.chassis().pendingBoot()).isEqualTo("default");
        sushy("system.set_system_boot_options(target=sushy.BOOT_SOURCE_TARGET_NONE, enabled=sushy.BOOT_SOURCE_ENABLED_DISABLED)");
        assertThat(bmc.chassis().pendingBoot()).isEqualTo("none");
        assertThat(bmc.chassis().starts()).containsExactly("boot=none");
    }

    @Test
    @Order(3)
    void theDriverPowersTheSystemWithAPinnedCertificate() throws Exception {
        progress.clear();
        try (MachinePower power = MachinePower.open(new RedfishDriver(), site.powerTarget("NODE", "node1"), POLICY, progress::add)) {
            assertThat(power.state()).isEqualTo(PowerState.OFF);
            assertThat(power.off()).isEqualTo(PowerState.OFF);
            power.bootOnce(BootDevice.NETWORK);
            JsonNode boot = redfishtool("Systems", "-I", "kmpw-1").path("Boot");
            assertThat(boot.path("BootSourceOverrideTarget").asText()).isEqualTo("Pxe");
            assertThat(boot.path("BootSourceOverrideEnabled").asText()).isEqualTo("Once");
            assertThat(power.on()).isEqualTo(PowerState.ON);
            assertThat(redfishtool("Systems", "-I", "kmpw-1").path("PowerState").asText()).isEqualTo("On");
            assertThat(sushy("print(system.boot.target.value)")).isEqualTo("None");
            progress.clear();
            assertThat(power.off()).isEqualTo(PowerState.OFF);
        }
        assertThat(bmc.chassis().starts()).containsExactly("boot=none", "boot=pxe");
        assertThat(progress).first().isEqualTo(PowerState.POWERING_OFF);
        assertThat(bmc.requests()).contains("POST /redfish/v1/Systems/kmpw-1/Actions/ComputerSystem.Reset session Java-http-client")
                .anyMatch(r -> r.matches("DELETE /redfish/v1/SessionService/Sessions/\\d+ session Java-http-client"));
    }

    @Test
    @Order(4)
    void aCaFileAndANamedSystemWorkToo() {
        try (MachinePower power = MachinePower.open(new RedfishDriver(), site.powerTarget("NODE", "node2"), POLICY, p -> { })) {
            assertThat(power.cycle()).isEqualTo(PowerState.ON);
            assertThat(power.forceOff()).isEqualTo(PowerState.OFF);
        }
    }

    @Test
    @Order(5)
    void aCertificateThatIsNotThePinnedOneIsRefused() {
        assertThatThrownBy(() -> MachinePower.open(new RedfishDriver(), site.powerTarget("NODE", "node3"), POLICY, p -> { }))
                .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.PROTOCOL))
                .hasMessageContaining("TLS identity")
                .hasMessageContaining("it presents " + certificate.fingerprint());
    }

    @Test
    @Order(6)
    void aWrongPasswordIsAClearError() {
        assertThatThrownBy(() -> MachinePower.open(new RedfishDriver(), site.powerTarget("NODE", "node4"), POLICY, p -> { }))
                .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION))
                .hasMessageContaining("refused the password of user root")
                .hasMessageNotContaining("guessed");
    }
}
