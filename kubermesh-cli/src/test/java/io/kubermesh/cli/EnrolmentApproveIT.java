package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cluster.enrolment: approve} through the CLI (issue 15): a machine plugged in netboots and
 * waits, listed by {@code status}, with no Ignition config and no certificate, until
 * {@code kubermesh approve MAC}; then it joins. Namespaces kmitenrol-*.
 */
class EnrolmentApproveIT {
    private static final Pattern WAITING = Pattern.compile("(?m)^  ([0-9a-f:]{17})  first seen ");

    @TempDir
    Path tmp;
    private Path lab;
    private Path config;

    @BeforeEach
    void config() throws Exception {
        LabItSupport.requireRoot("EnrolmentApproveIT", tmp);
        lab = tmp.resolve("lab");
        config = Files.writeString(tmp.resolve("cluster.yaml"),
                LabItSupport.seed("itenrol").stripTrailing() + "\n  enrolment: { policy: approve }\n");
    }

    @AfterEach
    void down() {
        LabItSupport.downLeavingNothing(lab, "itenrol");
    }

    @Test
    void aPluggedMachineWaitsUntilTheOperatorApprovesIt() throws Exception {
        PlanCommandTest.Result up = PlanCommandTest.run("up", "--lab", lab.toString(), "--config", config.toString(),
                "--topology", "line", "--nodes", "1", "-O", "netns.class-archive=off");
        assertThat(up.code()).as(up.out() + up.err()).isZero();

        CompletableFuture<PlanCommandTest.Result> plug = CompletableFuture.supplyAsync(
                () -> PlanCommandTest.run("plug", "--lab", lab.toString(), "--to", "gateway:0"));
        String mac = null;
        String table = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (mac == null && System.nanoTime() < deadline) {
            table = PlanCommandTest.run("status", "--lab", lab.toString()).out();
            Matcher m = WAITING.matcher(table);
            if (m.find()) {
                mac = m.group(1);
            } else {
                Thread.sleep(1000);
            }
        }
        assertThat(mac).as("status lists the plugged machine as waiting for approval:\n" + table).isNotNull();
        assertThat(table).contains("waiting for approval").containsPattern("first seen \\S+ by gateway");
        assertThat(plug).as("the machine waits, its plug does not finish").isNotDone();
        String console = Files.readString(lab.resolve("machines").resolve("kubermesh1").resolve("console.log"));
        assertThat(console).contains("waits for an operator to approve it").doesNotContain("credentials: ca.crt");

        assertThat(PlanCommandTest.run("approve", "--lab", lab.toString(), "not-a-mac").code()).isEqualTo(2);
        PlanCommandTest.Result approve = PlanCommandTest.run("approve", "--lab", lab.toString(), mac);
        assertThat(approve.code()).as(approve.out() + approve.err()).isZero();
        assertThat(approve.out()).contains(mac + ": approved");

        PlanCommandTest.Result plugged = plug.get(150, TimeUnit.SECONDS);
        assertThat(plugged.code()).as(plugged.out() + plugged.err()).isZero();
        JsonNode kubermesh1 = LabItSupport.machine(LabItSupport.status(lab), "kubermesh1");
        assertThat(kubermesh1.path("state").asText()).as(kubermesh1.toString()).isEqualTo("joined");
        assertThat(kubermesh1.path("identity").asText()).isEqualTo(mac);
        assertThat(PlanCommandTest.run("status", "--lab", lab.toString()).out()).doesNotContain("waiting for approval");
        assertThat(Files.readString(lab.resolve("machines").resolve("kubermesh1").resolve("console.log")))
                .contains("credentials: ca.crt, node.crt, node.key, routing.key");
    }
}
