package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubermesh power} without a BMC: bad input exits 2 before any BMC is touched; Wake-on-LAN says what it cannot do. */
class PowerCommandTest {
    record Result(int code, String out, String err) {
    }

    @TempDir
    Path dir;
    private Path site;

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Kubermesh.run(new PrintWriter(out), new PrintWriter(err), args);
        return new Result(code, out.toString(), err.toString());
    }

    @BeforeEach
    void inventory() throws Exception {
        site = dir.resolve("site.yaml");
        Files.writeString(site, "site:\n  machines:\n"
                + "    - {name: gateway, nics: [\"52:54:00:00:00:01\", \"52:54:00:00:00:02\"]}\n"
                + "    - name: node3\n      nics: [\"52:54:00:00:03:01\"]\n      bmc: {address: wol}\n"
                + "  cables:\n    - [\"gateway:1\", \"node3:0\"]\n");
    }

    @Test
    void unknownMachinesAndMachinesWithoutABmcAreBadInputNamingEach() {
        Result r = run("power", "on", "node9", "gateway", "--site", site.toString());
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("NODE[0]: 'node9'").contains("a machine of site site")
                .contains("NODE[1]: 'gateway'").contains("a machine with a bmc");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aMissingOrBrokenInventoryIsBadInput() throws Exception {
        assertThat(run("power", "status", "node3", "--site", dir.resolve("nope.yaml").toString()).code()).isEqualTo(Kubermesh.BAD_INPUT);
        Files.writeString(site, "site:\n  machines: []\n");
        Result r = run("power", "status", "node3", "--site", site.toString());
        assertThat(r.code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(r.err()).contains("site.machines");
    }

    @Test
    void badOptionsAreBadInput() {
        assertThat(run("power", "off", "node3", "--site", site.toString(), "--next-boot", "network").err())
                .contains("--next-boot").contains("only with on or cycle");
        assertThat(run("power", "on", "node3", "--site", site.toString(), "--next-boot", "floppy").code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(run("power", "reboot", "node3", "--site", site.toString()).code()).isEqualTo(Kubermesh.BAD_INPUT);
        assertThat(run("power", "on", "--site", site.toString()).code()).isEqualTo(Kubermesh.BAD_INPUT);
    }

    @Test
    void wakeOnLanReportsAnUnknownStateAndRefusesToPowerOff() throws Exception {
        Result status = run("power", "status", "node3", "--site", site.toString(), "--output", "json");
        assertThat(status.code()).as(status.err()).isZero();
        JsonNode n = new ObjectMapper().readTree(status.out()).get(0);
        assertThat(n.get("machine").asText()).isEqualTo("node3");
        assertThat(n.get("state").asText()).isEqualTo("unknown");
        assertThat(n.get("bmc").asText()).isEqualTo("wol://cluster1/52:54:00:00:03:01");

        Result off = run("power", "off", "node3", "--site", site.toString());
        assertThat(off.code()).isEqualTo(Kubermesh.FAILED);
        assertThat(off.err()).contains("node3: failed:").contains("Wake-on-LAN only wakes machines");
        assertThat(off.out()).contains("node3").contains("failed");
    }

    @Test
    void anUnreachableBmcFailsWithExitOneAndSaysWhatToCheck() throws Exception {
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        Path password = dir.resolve("node4.password");
        Files.writeString(password, "kmrv4-unused");
        Files.setPosixFilePermissions(password, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Files.writeString(site, Files.readString(site).replace("  cables:", "    - name: node4\n      nics: [\"52:54:00:00:04:01\"]\n"
                + "      bmc: {address: \"redfish://127.0.0.1:" + closed + "\", username: root, passwordFile: node4.password,"
                + " tls: {fingerprint: \"sha256:" + "AB:".repeat(31) + "AB\"}}\n  cables:"));
        Result r = run("power", "status", "node4", "--site", site.toString(), "--output", "json");
        assertThat(r.code()).as(r.err()).isEqualTo(Kubermesh.FAILED);
        assertThat(r.err()).contains("node4: failed:").contains("cannot connect")
                .contains("to fix: check site.machines.node4.bmc.address (redfish://127.0.0.1:" + closed + ")")
                .contains("this host has a route to 127.0.0.1");
        JsonNode n = new ObjectMapper().readTree(r.out()).get(0);
        assertThat(n.get("state").asText()).isEqualTo("failed");
        assertThat(n.get("error").asText()).contains("to fix: check site.machines.node4.bmc.address");
    }
}
