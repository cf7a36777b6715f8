package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lab through the CLI itself: up, status, kill, revive, plug, cut, join, down (namespaces kmitlab-*). */
class LabIT {
    /** The etcd anycast address of the seed's cluster file. */
    private static final String SEED_ETCD_ANYCAST = "fd65:7b9c:569:680:98eb:c508:ea6b:b0b2";

    @TempDir
    Path tmp;
    private Path lab;
    private Path config;

    @BeforeEach
    void config() throws Exception {
        LabItSupport.requireRoot("LabIT", tmp);
        lab = tmp.resolve("lab");
        config = tmp.resolve("cluster.yaml");
        Files.writeString(config, LabItSupport.seed("itlab"));
    }

    @AfterEach
    void down() {
        LabItSupport.downLeavingNothing(lab, "itlab");
    }

    private JsonNode status() throws Exception {
        return LabItSupport.status(lab);
    }

    private static JsonNode machine(JsonNode status, String name) {
        return LabItSupport.machine(status, name);
    }

    /**
     * A route on shortest paths ({@code yes}, {@code subset}), or an anycast route whose every
     * next hop leads to a holder ({@code farther}: never for a host or pod route).
     */
    private static boolean acceptable(JsonNode route) {
        String match = route.get("match").asText();
        return List.of("yes", "subset").contains(match)
                || match.equals("farther") && route.get("target").asText().startsWith("anycast ");
    }

    /**
     * Follows every installed next hop of {@code destination} from {@code at} through the
     * neighbours' own installed routes; each branch must end at a machine that holds
     * {@code service}, without a loop or a machine that has no route.
     */
    private static void leadsToAHolder(JsonNode routes, JsonNode status, String at, String destination, String service,
                                       List<String> path) {
        JsonNode here = machine(status, at);
        List<String> walked = new java.util.ArrayList<>(path);
        walked.add(at);
        for (JsonNode held : here.get("anycast")) {
            if (held.asText().equals(service)) {
                return;
            }
        }
        assertThat(path).as("the anycast route for " + service + " loops: " + walked).doesNotContain(at);
        JsonNode row = null;
        for (JsonNode route : routes) {
            if (route.get("from").asText().equals(at) && route.get("destination").asText().equals(destination)) {
                row = route;
            }
        }
        assertThat(row).as(walked + ": " + at + " has no route to " + destination).isNotNull();
        assertThat(row.get("installed")).as(walked + ": " + at + " has no route to " + destination).isNotEmpty();
        for (JsonNode hop : row.get("installed")) {
            String next = null;
            for (JsonNode port : here.get("ports")) {
                if (port.get("interface").asText().equals(hop.get("interface").asText())) {
                    next = port.get("neighbour").asText().replaceAll(":\\d+$", "");
                }
            }
            assertThat(next).as(walked + ": nothing is cabled to " + at + "'s " + hop.get("interface")).isNotNull();
            leadsToAHolder(routes, status, next, destination, service, walked);
        }
    }

    @Test
    void theSeedLabComesUpAndEveryLabCommandWorksOnIt() throws Exception {
        PlanCommandTest.Result up = PlanCommandTest.run("up", "--lab", lab.toString(), "--config", config.toString());
        assertThat(up.code()).as(up.out() + up.err()).isZero();
        assertThat(up.out()).contains("gateway: joined").contains("kubermesh4: joined").contains("20 of 20 pairs reach each other");

        // Every machine but the gateway booted from its neighbour over DHCPv6, as firmware and then as iPXE.
        String console = Files.readString(lab.resolve("machines/kubermesh4/console.log"));
        assertThat(console).containsPattern("DHCPv6 \\(UEFI.*boot file tftp://\\[2001:db8:[0-9a-f:]+\\]/snponly.efi")
                .containsPattern("DHCPv6 \\(iPXE.*script http://\\[2001:db8:[0-9a-f:]+\\]:8080/boot.ipxe")
                .containsPattern("TFTP tftp://\\S+/snponly.efi: \\d{5,} bytes")
                .contains("installing profile kubermesh on")
                .containsPattern("Ignition http://\\S+/ignition\\?mac=52:54:00:00:05:00&secret=<redacted>: \\d+ files, cluster.yaml \\d+ bytes")
                .contains("phoned home: installed")
                .contains("handing over");
        assertThat(Files.readString(lab.resolve("machines/gateway/console.log"))).doesNotContain("firmware");

        JsonNode s = status();
        assertThat(s).hasSize(5);
        for (JsonNode m : s) {
            assertThat(m.get("state").asText()).as(m.toString()).isEqualTo("joined");
            assertThat(m.get("netns").asText()).startsWith("kmitlab-");
            assertThat(m.fieldNames()).toIterable().contains("name", "state", "identity", "host", "block", "ports", "anycast", "netns");
        }
        assertThat(machine(s, "kubermesh1").get("ports")).hasSize(3);

        // What the daemons installed follows the model: every other machine's host /128 and pod
        // prefix from every machine, each next hop on a shortest path (FRR 8.4 may install part
        // of an equal-cost set: "subset"), nothing missing, nothing stale. Joined means the
        // machine and the gateway reach each other; the rest of the mesh may still be running
        // its last SPF, so the routes get a few seconds to settle.
        JsonNode r = null;
        long deadline = System.nanoTime() + 20_000_000_000L;
        do {
            PlanCommandTest.Result routes = PlanCommandTest.run("routes", "--lab", lab.toString(), "-o", "json");
            assertThat(routes.code()).as(routes.err()).isZero();
            r = LabCommands.JSON.readTree(routes.out());
            boolean settled = true;
            for (JsonNode route : r) {
                settled &= List.of("yes", "subset").contains(route.get("match").asText());
            }
            if (settled) {
                break;
            }
            Thread.sleep(500);
        } while (System.nanoTime() < deadline);
        assertThat(r).hasSizeGreaterThanOrEqualTo(5 * 4 * 2);
        JsonNode holdersNow = status();
        for (JsonNode route : r) {
            if (route.get("match").asText().equals("farther")) {
                // FRR 8.4.4's ospf6d may keep the longer way to an anycast holder after a nearer one
                // appeared (RouteComparison.Match.farther): said, not failed, as long as following
                // the installed routes hop by hop from there ends at a holder (checked for every
                // anycast route below: no loop, no dead end).
                System.out.println("LabIT: anycast route towards a farther holder (ospf6d): " + route);
            }
            if (route.get("target").asText().startsWith("anycast ")) {
                leadsToAHolder(r, holdersNow, route.get("from").asText(), route.get("destination").asText(),
                        route.get("target").asText().substring("anycast ".length()), new java.util.ArrayList<>());
            }
            if (!acceptable(route)) {
                String destination = route.get("destination").asText().replace("/128", "");
                assertThat(route.get("match").asText()).as(route + LabItSupport.meshState(lab, status(), destination))
                        .isIn("yes", "subset");
            }
            assertThat(route.get("predicted")).as(route.toString()).isNotEmpty();
        }
        PlanCommandTest.Result one = PlanCommandTest.run("routes", "--lab", lab.toString(), "--from", "kubermesh4",
                "--to", machine(s, "gateway").get("host").asText());
        assertThat(one.code()).as(one.err()).isZero();
        assertThat(one.out()).contains("kubermesh4").contains(machine(s, "gateway").get("host").asText());

        assertThat(PlanCommandTest.run("kill", "--lab", lab.toString(), "kubermesh3").code()).isZero();
        assertThat(machine(status(), "kubermesh3").get("state").asText()).isEqualTo("off");
        assertThat(PlanCommandTest.run("revive", "--lab", lab.toString(), "kubermesh3").code()).isZero();
        assertThat(machine(status(), "kubermesh3").get("state").asText()).isEqualTo("joined");
        // Installed before, so the neighbour sent it to its disk, not through the installer again.
        assertThat(Files.readString(lab.resolve("machines/kubermesh3/console.log"))).contains("booting from disk");

        assertThat(PlanCommandTest.run("cut", "--lab", lab.toString(), "kubermesh2", "kubermesh4").code()).isZero();
        assertThat(machine(status(), "kubermesh4").get("ports")).hasSize(1);
        assertThat(PlanCommandTest.run("join", "--lab", lab.toString(), "kubermesh4", "kubermesh2").code()).isZero();
        assertThat(machine(status(), "kubermesh4").get("ports")).hasSize(2);

        PlanCommandTest.Result plug = PlanCommandTest.run("plug", "--lab", lab.toString(), "--to", "kubermesh4", "--to", "gateway:3");
        if (plug.code() != 0) {
            // The boot services of kubermesh4 read the machine's record through etcd at its anycast address.
            assertThat(plug.code()).as(plug.out() + plug.err() + LabItSupport.meshState(lab, status(), SEED_ETCD_ANYCAST)
                    + "\nroutes to etcd: " + PlanCommandTest.run("routes", "--lab", lab.toString(), "--to", SEED_ETCD_ANYCAST).out())
                    .isZero();
        }
        JsonNode plugged = machine(status(), "kubermesh5");
        assertThat(plugged.get("state").asText()).isEqualTo("joined");
        assertThat(plugged.get("ports").toString()).contains("kubermesh4:2").contains("gateway:3");
        assertThat(plug.out()).contains("kubermesh5: joined");

        assertThat(PlanCommandTest.run("cut", "--lab", lab.toString(), "gateway", "kubermesh3").code()).isEqualTo(1);

        // Replace kubermesh3: kill it, plug a new blank machine into the same two ports.
        assertThat(PlanCommandTest.run("kill", "--lab", lab.toString(), "kubermesh3").code()).isZero();
        PlanCommandTest.Result replace = PlanCommandTest.run("plug", "--lab", lab.toString(), "--to", "kubermesh1:2",
                "--to", "kubermesh4:1");
        assertThat(replace.code()).as(replace.out() + replace.err()).isZero();
        assertThat(replace.out()).contains("kubermesh3: gone").contains("kubermesh6: joined");
        JsonNode after = status();
        assertThat(machine(after, "kubermesh3").get("state").asText()).isEqualTo("gone");
        JsonNode fresh = machine(after, "kubermesh6");
        assertThat(fresh.get("state").asText()).isEqualTo("joined");
        assertThat(fresh.get("block").asText()).isNotEqualTo(machine(s, "kubermesh3").get("block").asText());
        assertThat(machine(after, "kubermesh1").get("ports").toString()).contains("kubermesh6:0");
        assertThat(PlanCommandTest.run("down", "--lab", lab.toString()).code()).isZero();
        assertThat(NetworkNamespaces.list()).noneMatch(n -> n.startsWith("kmitlab-"));
        assertThat(lab).doesNotExist();
    }

    @Test
    void aLabDirectoryTheDaemonsCannotReachIsBadInput() throws Exception {
        Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        PlanCommandTest.Result r = PlanCommandTest.run("up", "--lab", lab.toString(), "--config", config.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--lab").contains("chmod o+x " + tmp);
    }

    @Test
    void aSecondUpOnTheSameLabIsRefused() throws Exception {
        assertThat(PlanCommandTest.run("up", "--lab", lab.toString(), "--config", config.toString(), "--topology", "line",
                "--nodes", "2").code()).isZero();
        PlanCommandTest.Result again = PlanCommandTest.run("up", "--lab", lab.toString(), "--config", config.toString());
        assertThat(again.code()).isEqualTo(1);
        assertThat(again.err()).contains("already up").contains("kubermesh down");
    }
}
