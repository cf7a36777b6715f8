package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.testkit.bmc.HostTools;
import io.kubermesh.testkit.bmc.IpmiSimulator;
import io.kubermesh.testkit.bmc.QemuChassis;
import io.kubermesh.testkit.bmc.RedfishEmulator;
import io.kubermesh.testkit.bmc.TestCertificate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code kubermesh power} against two real-protocol BMCs at once: ipmi_sim (IPMI 2.0) and the
 * testkit Redfish emulator, each powering a qemu VM; the drivers come from the runtime class path.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PowerCommandIT {
    private Path dir;
    private IpmiSimulator ipmi;
    private RedfishEmulator redfish;
    private String site;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("kmpw-power");
        ipmi = new IpmiSimulator(dir.resolve("ipmi"), "kmpw-cli-ipmi", "52:54:00:6b:63:01", "admin", "kmpw-ipmi-pw").start();
        TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "kmpw-cli-bmc");
        redfish = new RedfishEmulator(new QemuChassis(dir.resolve("redfish"), "kmpw-cli-redfish", "52:54:00:6b:63:02", false),
                cert, "root", "kmpw-redfish-pw");
        password("ipmi.password", "kmpw-ipmi-pw");
        password("redfish.password", "kmpw-redfish-pw");
        password("wrong.password", "kmpw-wrong");
        Path file = dir.resolve("site.yaml");
        Files.writeString(file, "site:\n  name: kmpw\n  machines:\n"
                + "    - {name: gateway, nics: [\"52:54:00:6b:63:00\"]}\n"
                + "    - name: node1\n      nics: [\"52:54:00:6b:63:01\"]\n"
                + "      bmc: {address: \"ipmi://127.0.0.1:" + ipmi.port() + "\", username: admin, passwordFile: ipmi.password}\n"
                + "    - name: node2\n      nics: [\"52:54:00:6b:63:02\"]\n"
                + "      bmc: {address: \"redfish://127.0.0.1:" + redfish.port() + "\", username: root, passwordFile: redfish.password,"
                + " tls: {fingerprint: \"" + cert.fingerprint() + "\"}}\n"
                + "    - name: node3\n      nics: [\"52:54:00:6b:63:03\"]\n"
                + "      bmc: {address: \"ipmi://127.0.0.1:" + ipmi.port() + "\", username: admin, passwordFile: wrong.password}\n");
        site = file.toString();
    }

    private void password(String name, String value) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, value);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }

    @AfterAll
    void stop() {
        if (redfish != null) {
            redfish.close();
        }
        if (ipmi != null) {
            ipmi.close();
        }
        HostTools.deleteTree(dir);
    }

    @Test
    @Order(1)
    void statusOfBothIsOff() throws Exception {
        PowerCommandTest.Result r = PowerCommandTest.run("power", "status", "node1", "node2", "--site", site, "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        JsonNode a = new ObjectMapper().readTree(r.out());
        assertThat(a.get(0).get("machine").asText()).isEqualTo("node1");
        assertThat(a.get(0).get("state").asText()).isEqualTo("off");
        assertThat(a.get(1).get("state").asText()).isEqualTo("off");
        assertThat(a.get(1).get("bmc").asText()).startsWith("redfish://127.0.0.1:");
    }

    @Test
    @Order(2)
    void onWithANetworkBootPowersBothOn() {
        PowerCommandTest.Result r = PowerCommandTest.run("power", "on", "node1", "node2", "--site", site, "--next-boot", "network");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("node1\\s+on\\s+ipmi://").containsPattern("node2\\s+on\\s+redfish://");
        assertThat(r.err()).contains("node1: powering-on").contains("node2: powering-on");
        assertThat(ipmi.chassis().starts()).containsExactly("boot=pxe");
        assertThat(redfish.chassis().starts()).containsExactly("boot=pxe");
        assertThat(ipmi.ipmitool("chassis", "power", "status")).contains("Chassis Power is on");
    }

    @Test
    @Order(3)
    void cycleAndForcedOffAreIdempotentWhereTheyShouldBe() {
        assertThat(PowerCommandTest.run("power", "cycle", "node1", "--site", site).code()).isZero();
        assertThat(ipmi.chassis().starts()).containsExactly("boot=pxe", "boot=none");
        PowerCommandTest.Result off = PowerCommandTest.run("power", "off", "--force", "node1", "node2", "--site", site);
        assertThat(off.code()).as(off.err()).isZero();
        assertThat(off.out()).containsPattern("node1\\s+off").containsPattern("node2\\s+off");
        PowerCommandTest.Result again = PowerCommandTest.run("power", "off", "node1", "node2", "--site", site);
        assertThat(again.code()).as("off when already off never fails: " + again.err()).isZero();
        assertThat(again.err()).doesNotContain("powering-off");
        assertThat(ipmi.chassis().powered()).isFalse();
        assertThat(redfish.chassis().powered()).isFalse();
    }

    @Test
    @Order(4)
    void aWrongPasswordFailsWithExitOneAndSaysWhy() {
        PowerCommandTest.Result r = PowerCommandTest.run("power", "status", "node3", "node1", "--site", site);
        assertThat(r.code()).isEqualTo(Kubermesh.FAILED);
        assertThat(r.err()).contains("node3: failed:").contains("refused the password of user admin")
                .contains("to fix: check that user admin exists on the BMC with administrator privilege and that file ")
                .contains("wrong.password holds its password (site.machines.node3.bmc)").doesNotContain("kmpw-wrong");
        assertThat(r.out()).containsPattern("node3\\s+failed").containsPattern("node1\\s+off");
    }
}
