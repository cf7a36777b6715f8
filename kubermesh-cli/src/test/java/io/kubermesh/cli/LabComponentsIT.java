package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No silent degradation (issue 10): a component the cluster file asks for that does not come up
 * makes {@code up} exit 1 naming the machine, the component and its error, and {@code status}
 * shows its state; a component the file turns off shows {@code off} and is no failure. Two
 * machines each (a machine needs a cable for a port, and a port for an identity). Namespaces kmitcomp-*.
 */
class LabComponentsIT {
    @TempDir
    Path tmp;
    private Path lab;
    private String seed;

    @BeforeEach
    void config() throws Exception {
        LabItSupport.requireRoot("LabComponentsIT", tmp);
        lab = tmp.resolve("lab");
        seed = LabItSupport.seed("itcomp");
    }

    @AfterEach
    void down() {
        LabItSupport.downLeavingNothing(lab, "itcomp");
    }

    @Test
    void anEtcdThatCannotStartMakesUpFailNamingTheMachineAndEtcd() throws Exception {
        Path config = Files.writeString(tmp.resolve("cluster.yaml"), seed);
        // An etcd binary that exists (so the preflight passes) and refuses to run: what an agent
        // meets when its etcd is broken. The agents take KUBERMESH_PROGRAM_ETCD from the CLI's environment.
        Path broken = tmp.resolve("etcd-broken");
        Files.writeString(broken, "#!/bin/sh\necho 'etcd-broken: refusing to start' >&2\nexit 1\n");
        Files.setPosixFilePermissions(broken, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Kubermesh.class.getName(),
                "up", "--lab", lab.toString(), "--config", config.toString(), "--topology", "line", "--nodes", "2",
                "-O", "netns.class-archive=off"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("up.log").toFile());
        pb.environment().put("KUBERMESH_PROGRAM_ETCD", broken.toString());
        Process p = pb.start();
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).as("up finished").isTrue();
        String out = Files.readString(tmp.resolve("up.log"));
        // The blank machine cannot enrol without etcd: up fails on it, naming what failed on the gateway.
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(out).containsPattern("(?m)^  gateway: etcd failed: .+").contains("up failed: kubermesh1");
        assertThat(out).doesNotContain("[cds]");
    }

    @Test
    void aMissingEtcdIsRefusedBeforeAnythingStartsWithTheInstallLine() throws Exception {
        Path config = Files.writeString(tmp.resolve("cluster.yaml"), seed);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Kubermesh.class.getName(),
                "up", "--lab", lab.toString(), "--config", config.toString(), "--topology", "line", "--nodes", "2",
                "-O", "netns.class-archive=off"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(tmp.resolve("up.log").toFile());
        pb.environment().put("KUBERMESH_PROGRAM_ETCD", tmp.resolve("no-etcd-here").toString());
        long t0 = System.nanoTime();
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("up finished").isTrue();
        String out = Files.readString(tmp.resolve("up.log"));
        assertThat(p.exitValue()).as(out).isEqualTo(3);
        assertThat(out).contains("etcd").contains("apt-get install -y etcd-server").doesNotContain("powered on");
        assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).as("refused before any machine starts").isLessThan(60);
        assertThat(io.kubermesh.routing.netlink.NetworkNamespaces.list()).noneMatch(ns -> ns.startsWith("kmitcomp-"));
    }

    @Test
    void etcdTurnedOffIsOffAndNoFailure() throws Exception {
        Path config = Files.writeString(tmp.resolve("cluster.yaml"),
                seed.replaceFirst("etcdMembers: \\d+", "etcdMembers: 0"));
        assertThat(Files.readString(config)).contains("etcdMembers: 0");
        PlanCommandTest.Result up = PlanCommandTest.run("up", "--lab", lab.toString(), "--config", config.toString(),
                "--topology", "line", "--nodes", "2", "-O", "netns.class-archive=off");
        assertThat(up.code()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).containsPattern("(?m)^gateway +joined .* off +").containsPattern("(?m)^kubermesh1 +joined .* off +")
                .doesNotContain("failed components:").contains("2 of 2 pairs reach each other");
        for (String name : java.util.List.of("gateway", "kubermesh1")) {
            JsonNode m = machine(status(), name);
            assertThat(component(m, "etcd").path("state").asText()).as(name).isEqualTo("off");
            assertThat(component(m, "ipv4").path("state").asText()).as(name).isEqualTo("off");
            assertThat(component(m, "routing").path("state").asText()).as(name).isEqualTo("running");
        }
    }

    private JsonNode status() throws Exception {
        return LabItSupport.status(lab);
    }

    private static JsonNode machine(JsonNode status, String name) {
        return LabItSupport.machine(status, name);
    }

    private static JsonNode component(JsonNode machine, String name) {
        return LabItSupport.component(machine, name);
    }
}
