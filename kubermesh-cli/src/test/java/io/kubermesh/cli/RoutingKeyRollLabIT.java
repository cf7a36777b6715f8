package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Revocation through the routing key (issue 15, docs/trust.md "Rolling the routing key"), on a lab
 * line gateway - kubermesh1 - kubermesh2 (namespaces kmrk-*; one etcd member, the gateway, so the
 * denied machine keeps no copy of etcd): the operator denies kubermesh2, which was enrolled and
 * holds the routing key, then rolls the key. While the roll runs, the gateway keeps reaching
 * kubermesh1 (an echo every 0.2 s, at most one lost) and the gateway's ospf6d drops no packet for
 * failed authentication (a step taken before every machine held the last one would make it drop
 * kubermesh1's); at its end the admitted machines hold only the new key and kubermesh2, which
 * could not read it from etcd, is cut off: the gateway no longer reaches it. Needs root and the
 * lab's packages.
 */
class RoutingKeyRollLabIT {
    @TempDir
    Path tmp;
    private Path lab;
    private Path config;

    @BeforeEach
    void config() throws Exception {
        if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
            fail("RoutingKeyRollLabIT needs root (network namespaces)");
        }
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        lab = tmp.resolve("lab");
        try (InputStream in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            config = tmp.resolve("cluster.yaml");
            Files.writeString(config, new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: lab", "name: rk")
                    .replace("etcdMembers: 3", "etcdMembers: 1"));
        }
    }

    @AfterEach
    void down() {
        PlanCommandTest.run("down", "--lab", lab.toString());
        for (String ns : NetworkNamespaces.list()) {
            if (ns.startsWith("kmrk-")) {
                NetworkNamespaces.delete(ns);
                fail("namespace " + ns + " outlived the lab");
            }
        }
    }

    @Test
    void aDeniedMachineKeepsTheOldKeyAndIsCutOffWhileTheOthersNeverLoseEachOther() throws Exception {
        PlanCommandTest.Result up = PlanCommandTest.run("up", "--lab", lab.toString(), "--config", config.toString(),
                "--nodes", "3", "--topology", "line");
        assertThat(up.code()).as(up.out() + up.err()).isZero();
        Map<String, JsonNode> machines = status();
        assertThat(machines).containsKeys("gateway", "kubermesh1", "kubermesh2");
        for (JsonNode m : machines.values()) {
            assertThat(keyComponent(m)).as(m.get("name").asText()).isEqualTo("running 1");
        }
        String gatewayNs = machines.get("gateway").get("netns").asText();
        String host1 = machines.get("kubermesh1").get("host").asText();
        String host2 = machines.get("kubermesh2").get("host").asText();
        assertThat(ping(gatewayNs, host2)).as("the gateway reaches kubermesh2 before the roll").isTrue();
        Map<String, String> before = new HashMap<>();
        for (String name : machines.keySet()) {
            before.put(name, Files.readString(keyFile(name)));
        }
        assertThat(before.get("kubermesh2")).startsWith("1 ");

        PlanCommandTest.Result deny = PlanCommandTest.run("deny", machines.get("kubermesh2").get("identity").asText(),
                "--lab", lab.toString());
        assertThat(deny.code()).as(deny.out() + deny.err()).isZero();

        long dropsBefore = authDrops(machines.get("gateway"));
        Process pinger = new ProcessBuilder("ip", "netns", "exec", gatewayNs, "ping", "-n", "-i", "0.2", "-W", "1", host1)
                .redirectErrorStream(true).start();
        PlanCommandTest.Result roll;
        String pings;
        try {
            roll = PlanCommandTest.run("routing-key", "roll", "--lab", lab.toString());
        } finally {
            // SIGINT: ping prints its summary and exits.
            new ProcessBuilder("kill", "-INT", Long.toString(pinger.pid())).start().waitFor();
            assertThat(pinger.waitFor(10, TimeUnit.SECONDS)).isTrue();
            pings = new String(pinger.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        System.out.println(roll.out() + roll.err());
        System.out.println(pings.lines().filter(l -> l.contains("packets transmitted")).findFirst().orElse(pings));
        assertThat(roll.code()).as(roll.out() + roll.err()).isZero();
        assertThat(roll.out() + roll.err()).contains("step accept, every machine is to hold 1 (also accepting 2)",
                "step send, every machine is to hold 2 (also accepting 1)", "step retire, every machine is to hold 2",
                "denied, so left out", machines.get("kubermesh2").get("identity").asText());
        assertThat(authDrops(machines.get("gateway"))).as("OSPF packets the gateway dropped for failed authentication")
                .isEqualTo(dropsBefore);
        Matcher sent = Pattern.compile("(\\d+) packets transmitted, (\\d+) received").matcher(pings);
        assertThat(sent.find()).as(pings).isTrue();
        int transmitted = Integer.parseInt(sent.group(1));
        int received = Integer.parseInt(sent.group(2));
        assertThat(transmitted).as("echoes sent during the roll").isGreaterThan(10);
        assertThat(transmitted - received).as("echoes from the gateway to kubermesh1 lost during the roll: %s", pings)
                .isLessThanOrEqualTo(1);

        PlanCommandTest.Result show = PlanCommandTest.run("routing-key", "--lab", lab.toString());
        assertThat(show.out()).contains("routing key 2 (roll step retire)");
        for (String name : List.of("gateway", "kubermesh1")) {
            String now = Files.readString(keyFile(name));
            assertThat(now).as(name).startsWith("2 ").hasLineCount(1);
            assertThat(now.substring(2, 66)).as(name + "'s new secret").isNotEqualTo(before.get(name).substring(2, 66));
            assertThat(keyComponent(status().get(name))).isEqualTo("running 2");
        }
        assertThat(Files.readString(keyFile("kubermesh2"))).as("the denied machine reads no new key")
                .isEqualTo(before.get("kubermesh2"));
        // Once the old key is retired, kubermesh2's hellos are refused: after the dead interval it is unreachable.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        boolean cut = false;
        while (!cut && System.nanoTime() < deadline) {
            cut = !ping(gatewayNs, host2);
        }
        assertThat(cut).as("kubermesh2 unreachable from the gateway within 20 s of the roll").isTrue();
        Thread.sleep(3000);
        assertThat(ping(gatewayNs, host2)).as("kubermesh2 still unreachable 3 s later").isFalse();
        assertThat(ping(gatewayNs, host1)).as("kubermesh1 still reachable").isTrue();
    }

    /** The OSPF packets the machine's ospf6d dropped on its ports because they failed authentication. */
    private long authDrops(JsonNode machine) throws Exception {
        Path socket = lab.resolve("machines/" + machine.get("name").asText() + "/state/routing");
        Process p = new ProcessBuilder("vtysh", "--vty_socket", socket.toString(), "-c", "show ipv6 ospf6 interface json")
                .redirectErrorStream(true).start();
        String json = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        JsonNode root = new ObjectMapper().readTree(json);
        long drops = 0;
        int ports = 0;
        for (JsonNode port : machine.path("ports")) {
            JsonNode d = root.path(port.get("interface").asText()).path("authInfo").path("rxPktDrop");
            assertThat(d.isNumber()).as("rxPktDrop of %s in %s", port.get("interface").asText(), json).isTrue();
            drops += d.asLong();
            ports++;
        }
        assertThat(ports).as("the gateway's ports").isPositive();
        return drops;
    }

    private Path keyFile(String machine) {
        return lab.resolve("machines/" + machine + "/state/pki/routing.key");
    }

    private static String keyComponent(JsonNode machine) {
        for (JsonNode c : machine.path("components")) {
            if (c.get("name").asText().equals("routing/key")) {
                return c.get("state").asText() + " " + c.path("detail").asText();
            }
        }
        return "(no routing/key component)";
    }

    private Map<String, JsonNode> status() throws Exception {
        Map<String, JsonNode> out = new HashMap<>();
        for (JsonNode m : new ObjectMapper().readTree(PlanCommandTest.run("status", "--lab", lab.toString(), "-o", "json").out())) {
            out.put(m.get("name").asText(), m);
        }
        return out;
    }

    private static boolean ping(String netns, String address) throws Exception {
        Process p = new ProcessBuilder("ip", "netns", "exec", netns, "ping", "-n", "-c", "1", "-W", "1", address)
                .redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
        return p.exitValue() == 0;
    }
}
