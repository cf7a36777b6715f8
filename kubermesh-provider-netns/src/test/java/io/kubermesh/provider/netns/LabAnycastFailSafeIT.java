package io.kubermesh.provider.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.api.AnycastService;
import io.kubermesh.api.Topology;
import io.kubermesh.lab.Lab;
import io.kubermesh.lab.MachineView;
import io.kubermesh.routing.anycast.AnycastEngine;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.LongPredicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The black hole, on the seed lab (namespaces kmchaf-*) as {@code ./kubermesh up} runs it,
 * agents supervised: once the gateway, kubermesh1 and kubermesh2 are the etcd voters holding the
 * anycast address, a machine whose one nearest holder is a follower (kubermesh4, nearest
 * kubermesh2) writes through the anycast address every 100 ms; then that holder's agent is killed
 * (SIGKILL), then its etcd. Writes must succeed again within the announcement's lifetime (the
 * check's fall time and one interval, after which an unrenewed /128 lapses) plus the reroute, and
 * keep succeeding; the killed agent is started again by its machine's supervisor.
 */
class LabAnycastFailSafeIT extends LabFixture {
    private static final String CLUSTER = "chaf";
    private final List<Process> probes = new CopyOnWriteArrayList<>();

    @Override
    String cluster() {
        return CLUSTER;
    }

    @AfterEach
    void stopProbes() {
        probes.forEach(Process::destroyForcibly);
    }

    @Test
    void writesThroughTheAnycastAddressResumeAfterTheNearestHoldersAgentAndEtcdAreKilled() throws Exception {
        lab = Lab.create(dir, clusterYaml(), new NetnsSubstrateProvider(), Map.of(), line -> System.out.println("  " + line));
        lab.up(Topology.seed());
        await("three healthy etcd voters holding the anycast address", 180, () -> holders().size() == 3);
        Topology t = lab.substrate().topology();
        Map<String, MachineView> byName = new HashMap<>();
        lab.status().forEach(m -> byName.put(m.name(), m));
        List<String> holders = holders();
        String client = null;
        String holder = null;
        for (Topology.Machine m : t.machines()) {
            List<String> nearest = nearest(t, m.name(), holders);
            if (!holders.contains(m.name()) && nearest.size() == 1 && !byName.get(nearest.get(0)).etcd().leader()) {
                client = m.name();
                holder = nearest.get(0);
            }
        }
        assertThat(client).as("a machine whose one nearest holder follows (holders %s)", holders).isNotNull();
        AnycastService etcd = lab.plan().spec().service("etcd").orElseThrow();
        Duration lifetime = AnycastEngine.lifetime(etcd);
        String url = "https://[" + lab.plan().anycast().stream().filter(s -> s.name().equals("etcd")).findFirst().orElseThrow()
                .address() + "]:" + etcd.port();

        List<String[]> answers = probe(client, url, 1000);
        await("10 writes from " + client + " through " + url, 60,
                () -> answers.stream().filter(a -> a[1].equals("ok")).count() >= 10);
        String agentStarted = agentStartedAt(holder);
        long killed = System.currentTimeMillis();
        kill9(holder, "agent", pid -> exe(pid).endsWith("/java"));
        kill9(holder, "etcd", pid -> exe(pid).endsWith("/etcd"));
        final String h = holder;
        await("a write after the kill", 60, () -> answers.stream().anyMatch(a -> Long.parseLong(a[0]) > killed && a[1].equals("ok")));
        long firstOk = answers.stream().filter(a -> Long.parseLong(a[0]) > killed && a[1].equals("ok"))
                .mapToLong(a -> Long.parseLong(a[0])).min().orElseThrow();
        long failed = answers.stream().filter(a -> Long.parseLong(a[0]) > killed && Long.parseLong(a[0]) < firstOk).count();
        long gap = firstOk - killed;
        System.out.printf("LabAnycastFailSafeIT: agent and etcd of %s killed; writes from %s through the anycast address "
                + "failed %d time(s), resumed after %d ms (lifetime %d s: fall %d x %d ms and one interval)%n", holder, client,
                failed, gap, lifetime.toSeconds(), etcd.fall(), etcd.interval().toMillis());
        await("a new agent on " + holder, 30, () -> {
            String now = agentStartedAt(h);
            return now != null && !now.equals(agentStarted);
        });
        assertThat(lab.consoleTail(holder, 200)).contains("agent exited (signal 9); restarting as systemd would");
        // The announcement's lifetime, one second of kernel rounding, and the reroute with a write's own timeout.
        assertThat(gap).as("the gap in writes").isLessThan(lifetime.plusSeconds(3).toMillis());
        // The new agent starts the killed etcd again; once it is a healthy voter its announcement
        // draws the client's route back (a write in flight then may break: anycast moves new
        // connections, not open ones).
        long returning = System.currentTimeMillis();
        await(holder + " holding the anycast address again", 120, () -> holders().contains(h));
        String member = Long.toUnsignedString(Long.parseUnsignedLong(lab.status().stream().filter(m -> m.name().equals(h))
                .findFirst().orElseThrow().etcd().id(), 16));
        await("a write from " + client + " answered by " + holder + "'s member " + member, 60,
                () -> answers.stream().anyMatch(a -> Long.parseLong(a[0]) > returning && a.length > 2 && a[2].equals(member)));
        System.out.printf("LabAnycastFailSafeIT: %s holds the anycast address again after %d ms; writes failed %d time(s) "
                + "as it returned%n", holder, System.currentTimeMillis() - killed, answers.stream()
                .filter(a -> Long.parseLong(a[0]) > firstOk && a[1].equals("fail")).count());
        // Writes through the route of now: each with 5 s (a new process's client, TLS and a commit by
        // 2 of 3 voters on a loaded machine), so a slow commit is not taken for a black hole.
        probes.forEach(Process::destroyForcibly);
        List<String[]> after = probe(client, url, 5000);
        await("10 writes through the route of now", 120, () -> after.size() >= 10);
        assertThat(after.subList(0, 10)).as("writes after the move").allMatch(a -> a[1].equals("ok"));
    }

    /** The machines whose agents list the etcd anycast address as held and whose member is a healthy voter. */
    private List<String> holders() {
        return lab.status().stream().filter(m -> m.anycast().contains("etcd") && m.etcd() != null && m.etcd().healthy()
                && "voter".equals(m.etcd().role())).map(MachineView::name).toList();
    }

    /** The holders fewest cables away from {@code from}. */
    static List<String> nearest(Topology t, String from, List<String> holders) {
        Map<String, Integer> hops = new HashMap<>(Map.of(from, 0));
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(from));
        while (!queue.isEmpty()) {
            String m = queue.poll();
            for (Topology.Cable c : t.cablesOf(m)) {
                String n = c.other(m).machine();
                if (hops.putIfAbsent(n, hops.get(m) + 1) == null) {
                    queue.add(n);
                }
            }
        }
        int best = holders.stream().mapToInt(h -> hops.getOrDefault(h, Integer.MAX_VALUE)).min().orElse(Integer.MAX_VALUE);
        return holders.stream().filter(h -> hops.getOrDefault(h, Integer.MAX_VALUE) == best).toList();
    }

    /** A {@link LabEtcdProbe} writing from {@code machine} through {@code url}, each write within {@code timeoutMillis}. */
    private List<String[]> probe(String machine, String url, long timeoutMillis) throws IOException {
        NetnsSubstrate netns = (NetnsSubstrate) lab.substrate();
        List<String> cmd = List.of("nsenter", "--net=" + NetworkNamespaces.path(netns.namespace(machine)), "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-Dprobe.timeout=" + timeoutMillis, "-cp", System.getProperty("java.class.path"), LabEtcdProbe.class.getName(), url,
                netns.agentState(machine).toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        probes.add(p);
        List<String[]> answers = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                    answers.add(l.split(" "));
                }
            } catch (IOException e) {
                // the probe was stopped
            }
        });
        reader.setDaemon(true);
        reader.start();
        return answers;
    }

    private String agentStartedAt(String machine) {
        try (var agent = new io.kubermesh.agent.control.AgentClient(lab.substrate().agent(machine))) {
            return agent.status().startedAt();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void kill9(String machine, String what, LongPredicate which) {
        NetnsSubstrate netns = (NetnsSubstrate) lab.substrate();
        List<Long> pids = NamespaceProcesses.in(NetworkNamespaces.path(netns.namespace(machine))).stream()
                .filter(which::test).toList();
        assertThat(pids).as("the " + what + " process of " + machine).hasSize(1);
        assertThat(ProcessHandle.of(pids.get(0)).map(ProcessHandle::destroyForcibly)).as("SIGKILL " + what).contains(true);
    }

    private static String exe(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static void await(String what, int seconds, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail(what + ": not within " + seconds + " s");
            }
            Thread.sleep(200);
        }
    }

    private static String clusterYaml() throws IOException {
        try (InputStream in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: lab", "name: " + CLUSTER);
        }
    }
}
