package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ControlPlaneSpec;
import io.kubermesh.api.MacAddress;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's boot services follow its cables: a cable that loses carrier leaves its DHCPv6 leases
 * to the next machine plugged in (an agent process with boot services in namespace kmcl-x, the
 * cable's far end in kmcl-y, real dhclient there).
 */
class AgentCableLeasesIT {
    private static final String NS = "kmcl-x";
    @TempDir
    Path dir;
    private AgentProcesses agents;

    @BeforeEach
    void namespace() throws Exception {
        // One cable whose both ends are in the namespace: the agent needs an interface to take its identity from.
        agents = AgentProcesses.oneCable("AgentCableLeasesIT", dir, NS, "kmclx1");
    }

    @AfterEach
    void cleanUp() {
        agents.close();
    }

    private Path config(ClusterSpec spec) throws Exception {
        return agents.config(spec);
    }

    /**
     * The agent hands a port's cable losses to its boot services: four machines one after another
     * on the same cable (its far end in another namespace, a new MAC each time, so the cable loses
     * carrier between them), each asking real dhclient for an address; the fourth gets the first's,
     * where a pool of three with no cable loss would have none for it. Before the fourth the agent
     * is stopped (which marks no lease gone) and started again (which sees the next carrier loss).
     */
    @Test
    void aCableThatLostCarrierLeavesItsLeasesToTheNextMachine() throws Exception {
        AgentProcesses.requireBinary("dhclient", "isc-dhcp-client");
        String far = "kmcl-y";
        NetworkNamespaces.delete(far);
        NetworkNamespaces.create(far);
        try {
            run("ip", "-n", NS, "link", "set", "kmclx1", "netns", far);
            run("ip", "netns", "exec", far, "sysctl", "-qw", "net.ipv6.conf.kmclx1.accept_dad=0");
            ClusterSpec spec = ClusterConfig.seed().withControlPlane(new ControlPlaneSpec(0, Duration.ofSeconds(60)));
            agents.start(NS, config(spec), true, Map.of("KM_TEST_BOOT", "1"));
            agents.component(NS, "routing", "running");
            var pool = new io.kubermesh.addressing.AddressPlan(spec).node(MacAddress.parse("52:54:00:0f:10:00")).port(0).pool();
            List<String> got = new java.util.ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                if (i == 4) {
                    // An agent that stops says nothing of the cable: the third machine, still behind
                    // it, keeps its lease unmarked (the first two left with the carrier losses). The
                    // restarted agent sees the cable's next carrier loss (its first since it started).
                    agents.stop(NS);
                    Path leases = agents.state(NS).resolve("boot/dhcp6/port0/dhcp6.leases");
                    assertThat(Files.readAllLines(leases)).as("leases after the agent stopped")
                            .filteredOn(l -> l.contains(" mac-52:54:00:0f:20:0")).hasSize(3)
                            .allSatisfy(l -> assertThat(l.endsWith(" -")).isEqualTo(l.contains("mac-52:54:00:0f:20:03")));
                    agents.start(NS, config(spec), true, Map.of("KM_TEST_BOOT", "1"));
                    agents.component(NS, "routing", "running");
                }
                run("ip", "-n", far, "link", "set", "kmclx1", "down");
                run("ip", "-n", far, "link", "set", "kmclx1", "address", "52:54:00:0f:20:0" + i);
                run("ip", "-n", far, "link", "set", "kmclx1", "up");
                got.add(dhclient(far, "kmclx1", "m" + i));
            }
            assertThat(got.subList(0, 3)).containsExactlyElementsOf(pool.stream().map(Object::toString).toList());
            assertThat(got.get(3)).as("the fourth machine, after the cable lost carrier").isEqualTo(pool.get(0).toString());
            assertThat(Files.readString(dir.resolve(NS + ".console"))).contains("may go to the next machine plugged in");
        } finally {
            NetworkNamespaces.delete(far);
        }
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
    }

    /** dhclient -6 in {@code ns} on {@code link} until its lease file has an address (40 s at most); the address. */
    private String dhclient(String ns, String link, String name) throws Exception {
        Path leases = dir.resolve(name + ".leases");
        Path script = dir.resolve(name + ".sh");
        Files.writeString(script, "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(script, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Path log = dir.resolve(name + ".dhclient.log");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, "dhclient", "-6", "-1", "-d", "-v", "-lf", leases.toString(),
                "-pf", dir.resolve(name + ".pid").toString(), "-sf", script.toString(), link)
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        java.util.regex.Pattern iaaddr = java.util.regex.Pattern.compile("iaaddr ([0-9a-f:]+) \\{");
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (System.nanoTime() < deadline) {
                if (Files.exists(leases)) {
                    var m = iaaddr.matcher(Files.readString(leases));
                    if (m.find()) {
                        return m.group(1);
                    }
                }
                Thread.sleep(100);
            }
        } finally {
            p.destroyForcibly().waitFor();
        }
        throw new AssertionError(name + ": no address within 40 s; dhclient: " + Files.readString(log) + "\nagent console: "
                + Files.readString(dir.resolve(NS + ".console")));
    }
}
