package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.routing.anycast.AnycastEngine;
import io.kubermesh.routing.netlink.InterfaceAddress;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anycast fails safe when an agent dies (issue 10), on a line of four namespaces running real
 * agents, FRR and etcd: kmop-c (a client, no member) - kmop-h1 - kmop-h2 - kmop-h3, the three
 * holders being the etcd voters (kmop-h3 bootstraps and leads). kmop-c's nearest holder is
 * kmop-h1, a follower.
 *
 * <ol>
 *   <li>SIGKILL of kmop-h1's agent, then of its etcd: the etcd /128 lapses from kmop-h1's stub
 *       (its lifetime is no longer renewed), FRR withdraws it, and writes from kmop-c through the
 *       anycast address succeed again (at kmop-h2) within the lifetime plus the reroute; the gap is
 *       printed.</li>
 *   <li>SIGKILL of kmop-h2's agent, then a new agent there: it adopts FRR and etcd (the same
 *       pids, no second zebra or etcd) and holds the etcd /128 again; status shows it read back.</li>
 * </ol>
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AnycastFailSafeIT {
    private static final List<String> LINE = List.of("kmop-c", "kmop-h1", "kmop-h2", "kmop-h3");
    private static final ClusterSpec SPEC = spec();
    private static final Ipv6Address ETCD = new AddressPlan(SPEC).anycast().stream().filter(s -> s.name().equals("etcd"))
            .findFirst().orElseThrow().address();
    @TempDir
    static Path dir;
    private static AgentProcesses agents;
    private static Path config;

    private static ClusterSpec spec() {
        ClusterSpec seed = ClusterConfig.seed();
        return seed.withServices(List.of(seed.service("etcd").orElseThrow()));
    }

    @BeforeAll
    static void line() throws Exception {
        AgentProcesses.requireRoot("AnycastFailSafeIT");
        if (Preflight.why(HostRequirements.ETCD).isPresent() || Preflight.why(HostRequirements.ZEBRA).isPresent()) {
            org.assertj.core.api.Assertions.fail("AnycastFailSafeIT needs etcd and FRR: apt-get install -y etcd-server frr");
        }
        for (String ns : LINE) {
            NetworkNamespaces.delete(ns);
            NetworkNamespaces.create(ns);
        }
        agents = new AgentProcesses(dir, LINE);
        // The frr user must reach the daemons' state under the temporary directory.
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        for (int i = 0; i + 1 < LINE.size(); i++) {
            try (Rtnetlink nl = Rtnetlink.open(LINE.get(i))) {
                nl.createVeth("cluster" + (i == 0 ? 0 : 1), MacAddress.parse("52:54:00:0f:0" + i + ":01"), "cluster0",
                        MacAddress.parse("52:54:00:0f:0" + (i + 1) + ":00"), Optional.of(LINE.get(i + 1)));
            }
        }
        config = dir.resolve("cluster.yaml");
        Files.writeString(config, io.kubermesh.controlplane.kubernetes.ClusterYaml.write(SPEC));
        // The far end bootstraps, so it leads: the holder killed below is a follower, as in the
        // issue's scenario (killing the leader adds etcd's election to any gap).
        agents.start("kmop-h3", config, true);
        AgentProcesses.await("kmop-h3 a healthy voter", 60, () -> voter("kmop-h3"));
        agents.enrol("kmop-h2", "kmop-h3", MacAddress.parse("52:54:00:0f:02:00"));
        agents.start("kmop-h2", config, false);
        AgentProcesses.await("kmop-h2 a healthy voter", 90, () -> voter("kmop-h2"));
        agents.enrol("kmop-h1", "kmop-h3", MacAddress.parse("52:54:00:0f:01:00"));
        agents.start("kmop-h1", config, false);
        AgentProcesses.await("kmop-h1 a healthy voter", 90, () -> voter("kmop-h1"));
        agents.enrol("kmop-c", "kmop-h3", MacAddress.parse("52:54:00:0f:00:01"));
        agents.start("kmop-c", config, false);
        AgentProcesses.await("every holder holds etcd", 30, () -> LINE.subList(1, 4).stream().allMatch(AnycastFailSafeIT::holds));
        AgentProcesses.await("a write from kmop-c through the anycast address", 60, () -> write("warm-up"));
    }

    @AfterAll
    static void tearDown() {
        if (agents != null) {
            agents.close();
        } else {
            LINE.forEach(NetworkNamespaces::delete);
        }
    }

    private static boolean voter(String ns) {
        return agents.status(ns).map(s -> s.etcd() != null && s.etcd().healthy() && "voter".equals(s.etcd().role()))
                .orElse(false);
    }

    private static boolean holds(String ns) {
        return agents.status(ns).map(s -> s.anycast().contains("etcd")).orElse(false);
    }

    private static boolean onStub(String ns) {
        try (Rtnetlink nl = Rtnetlink.open(ns)) {
            return nl.addresses(AgentSettings.DEFAULT_STUB).stream().map(InterfaceAddress::address).anyMatch(ETCD::equals);
        }
    }

    /** One etcd write from kmop-c to the anycast address, bounded by 1 s. */
    private static boolean write(String value) {
        return put(value, 1).isEmpty();
    }

    /**
     * One etcd write from kmop-c to the anycast address, bounded by {@code seconds}: empty when
     * etcd took it, else what etcdctl printed.
     */
    private static Optional<String> put(String value, int seconds) {
        // etcd takes TLS clients with a certificate of the cluster CA only, and knows the user by
        // the certificate's CN over gRPC (its JSON gateway does not pass it on): the real etcdctl,
        // as kmop-c, under /kubermesh/probe/ where a node may write.
        java.nio.file.Path pki = agents.state("kmop-c").resolve("pki");
        try {
            ProcessBuilder pb = new ProcessBuilder("nsenter", "--net=" + NetworkNamespaces.path("kmop-c"), "--", "etcdctl",
                    "--endpoints=https://[" + ETCD + "]:2379", "--cacert=" + pki.resolve("ca.crt"),
                    "--cert=" + pki.resolve("node.crt"), "--key=" + pki.resolve("node.key"),
                    "--dial-timeout=" + seconds + "s", "--command-timeout=" + seconds + "s", "put", "/kubermesh/probe/kmop-failsafe", value)
                    .redirectErrorStream(true);
            pb.environment().put("ETCDCTL_API", "3");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            return code == 0 && out.strip().equals("OK") ? Optional.empty() : Optional.of("exit " + code + ": " + out.strip());
        } catch (java.io.IOException e) {
            return Optional.of(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    @Test
    @Order(1)
    void aKilledHoldersAnnouncementLapsesAndWritesMoveOn() throws Exception {
        AnycastService etcd = SPEC.service("etcd").orElseThrow();
        Duration lifetime = AnycastEngine.lifetime(etcd);
        assertThat(onStub("kmop-h1")).isTrue();
        List<Long> etcdPids = AgentProcesses.processesIn("kmop-h1", "--data-dir");
        assertThat(etcdPids).hasSize(1);

        assertThat(agents.status("kmop-h1").orElseThrow().etcd().leader()).as("kmop-h1 follows").isFalse();
        long killed = System.nanoTime();
        agents.kill("kmop-h1");
        ProcessHandle.of(etcdPids.get(0)).ifPresent(ProcessHandle::destroyForcibly);
        // Writes every 100 ms from the client; the gap ends at the first that succeeds.
        int failed = 0;
        long firstOk = -1;
        long deadline = killed + lifetime.plusSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (write("after-kill-" + failed)) {
                firstOk = System.nanoTime();
                break;
            }
            failed++;
            Thread.sleep(100);
        }
        long lapsedAt = System.nanoTime();
        AgentProcesses.await("the /128 gone from kmop-h1's stub", 10, () -> !onStub("kmop-h1"));
        assertThat(firstOk).as("writes through the anycast address resume").isPositive();
        long gapMillis = (firstOk - killed) / 1_000_000;
        System.out.printf("AnycastFailSafeIT: agent and etcd of kmop-h1 killed; writes from kmop-c through %s failed %d "
                + "time(s), resumed after %d ms (announcement lifetime %d s, fall %d x %d ms)%n", ETCD, failed, gapMillis,
                lifetime.toSeconds(), etcd.fall(), etcd.interval().toMillis());
        // The lifetime, one second of kernel rounding, and the reroute with a write's own timeout.
        assertThat(gapMillis).isLessThan(lifetime.plusSeconds(3).toMillis());
        // kmop-h1 now reaches the anycast address over OSPF (through kmop-h2). The expired
        // address's kernel prefix route (metric 256) may linger until the kernel collects it; the
        // OSPF route (metric 20) is the one chosen.
        String route = routeIn("kmop-h1");
        assertThat(route).as("kmop-h1's route to the anycast /128 at %d ms", (lapsedAt - killed) / 1_000_000)
                .contains("dev cluster1").contains("proto ospf").doesNotContain("dev " + AgentSettings.DEFAULT_STUB);
        // The gap above is measured with 1 s writes; these show the writes keep going through
        // kmop-h2, each with the time etcd may take for a commit on a loaded CI machine (a 1 s
        // write failed there once, with no reason kept).
        for (int i = 0; i < 5; i++) {
            assertThat(put("steady-" + i, 5)).as("write %d after the move", i).isEmpty();
        }
    }

    @Test
    @Order(2)
    void aRestartedAgentAdoptsItsDaemonsAndAnnouncements() throws Exception {
        List<Long> zebra = AgentProcesses.processesIn("kmop-h2", "zebra.pid");
        List<Long> etcd = AgentProcesses.processesIn("kmop-h2", "--data-dir");
        assertThat(zebra).hasSize(1);
        assertThat(etcd).hasSize(1);
        agents.kill("kmop-h2");
        agents.start("kmop-h2", config, false);
        AgentProcesses.await("the new agent of kmop-h2 answers", 60, () -> agents.status("kmop-h2").isPresent());
        AgentProcesses.await("kmop-h2 holds etcd again, read back", 30, () -> holds("kmop-h2"));
        NodeStatus s = agents.status("kmop-h2").orElseThrow();
        assertThat(AgentProcesses.processesIn("kmop-h2", "zebra.pid")).as("zebra adopted, not started twice").isEqualTo(zebra);
        assertThat(AgentProcesses.processesIn("kmop-h2", "--data-dir")).as("etcd adopted, not started twice").isEqualTo(etcd);
        ComponentStatus routing = s.components().stream().filter(c -> c.name().equals("routing")).findFirst().orElseThrow();
        assertThat(routing.state()).isEqualTo("running");
        assertThat(routing.detail()).contains("3 adopted");
        AgentProcesses.await("etcd component running", 30, () -> agents.status("kmop-h2").map(x -> x.components().stream()
                .anyMatch(c -> c.name().equals("etcd") && c.state().equals("running"))).orElse(false));
        assertThat(s.components()).extracting(ComponentStatus::name).contains("anycast/etcd", "ipv4", "etcd", "routing");
        assertThat(put("after-restart", 5)).as("a write after the restart").isEmpty();
    }

    private static String routeIn(String ns) throws Exception {
        Process p = new ProcessBuilder("ip", "-n", ns, "-6", "route", "get", ETCD.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }
}
