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
    void aMachineWaitsUntilTheOperatorApprovesIt() throws Exception {
        // Two machines in a line (the gateway needs a cable for a port, and a port for an identity):
        // the blank kubermesh1 netboots from the gateway and waits for the operator while up runs.
        CompletableFuture<PlanCommandTest.Result> up = CompletableFuture.supplyAsync(() -> PlanCommandTest.run("up",
                "--lab", lab.toString(), "--config", config.toString(), "--topology", "line", "--nodes", "2",
                "-O", "netns.class-archive=off"));
        String mac = null;
        String table = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (mac == null && System.nanoTime() < deadline && !up.isDone()) {
            table = PlanCommandTest.run("status", "--lab", lab.toString()).out();
            Matcher m = WAITING.matcher(table);
            if (m.find()) {
                mac = m.group(1);
            } else {
                Thread.sleep(1000);
            }
        }
        assertThat(mac).as("status lists the blank machine as waiting for approval:\n" + table
                + (up.isDone() ? "\nup ended: " + up.get().out() : "")).isNotNull();
        assertThat(table).contains("waiting for approval").containsPattern("first seen \\S+ by gateway");
        Path console = lab.resolve("machines").resolve("kubermesh1").resolve("console.log");
        assertThat(Files.readString(console)).contains("waits for an operator to approve it").doesNotContain("credentials: ca.crt");
        assertThat(up).as("up waits with the machine").isNotDone();

        assertThat(PlanCommandTest.run("approve", "--lab", lab.toString(), "not-a-mac").code()).isEqualTo(2);
        PlanCommandTest.Result approve = PlanCommandTest.run("approve", "--lab", lab.toString(), mac);
        assertThat(approve.code()).as(approve.out() + approve.err()).isZero();
        assertThat(approve.out()).contains(mac + ": approved");

        PlanCommandTest.Result done = up.get(150, TimeUnit.SECONDS);
        assertThat(done.code()).as(done.out() + done.err()).isZero();
        JsonNode kubermesh1 = LabItSupport.machine(LabItSupport.status(lab), "kubermesh1");
        assertThat(kubermesh1.path("state").asText()).as(kubermesh1.toString()).isEqualTo("joined");
        assertThat(kubermesh1.path("identity").asText()).isEqualTo(mac);
        assertThat(PlanCommandTest.run("status", "--lab", lab.toString()).out()).doesNotContain("waiting for approval");
        assertThat(Files.readString(console)).contains("credentials: ca.crt, node.crt, node.key, routing.key");
    }
}
