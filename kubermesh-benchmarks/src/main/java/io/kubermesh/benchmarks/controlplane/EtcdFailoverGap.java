package io.kubermesh.benchmarks.controlplane;

import io.etcd.jetcd.Client;
import io.kubermesh.controlplane.etcd.EtcdAllocationStore;
import io.kubermesh.controlplane.etcd.EtcdClients;
import io.kubermesh.controlplane.etcd.EtcdMember;
import io.kubermesh.controlplane.etcd.EtcdMembership;
import io.kubermesh.spi.AllocationStore.Snapshot;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Whole-process measurement: the write gap a client sees when an etcd member is SIGKILLed, on a
 * three-member cluster on loopback (etcd's default timing: heartbeat 100 ms, election 1 s). The
 * client knows all three client URLs (jetcd balances and retries over them); each round kills
 * the current leader, then a follower, and reports the time from the kill to the first
 * successful compare-and-set. Without anycast routing: the mesh adds the route withdrawal on top.
 *
 * <p>Run: {@code java -cp kubermesh-benchmarks/target/benchmarks.jar
 * io.kubermesh.benchmarks.controlplane.EtcdFailoverGap [rounds]}.
 */
public final class EtcdFailoverGap {
    private EtcdFailoverGap() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Files.createDirectories(Path.of("target"));
        Path dir = Files.createTempDirectory(Path.of("target"), "km-etcd-failover");
        Map<String, URI> peers = new LinkedHashMap<>();
        List<EtcdMember> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            peers.put("m" + i, url());
        }
        for (Map.Entry<String, URI> e : peers.entrySet()) {
            members.add(new EtcdMember(new EtcdMember.Spec(e.getKey(), dir.resolve(e.getKey()), url(), e.getValue(), peers,
                    false, "bench", Duration.ofMillis(100), Duration.ofMillis(1000))).start());
        }
        List<Long> leaderGaps = new ArrayList<>();
        List<Long> followerGaps = new ArrayList<>();
        List<URI> endpoints = members.stream().map(EtcdMember::clientUrl).collect(Collectors.toList());
        try (Client client = EtcdClients.connect(endpoints);
             EtcdAllocationStore store = new EtcdAllocationStore(client, "/bench/", Duration.ofSeconds(30))) {
            for (EtcdMember m : members) {
                m.awaitHealthy(Duration.ofSeconds(30));
            }
            EtcdMembership membership = new EtcdMembership(client, Duration.ofSeconds(10));
            for (int r = 0; r < rounds; r++) {
                for (boolean leader : new boolean[] {true, false}) {
                    write(store, Duration.ofSeconds(30)); // warm: every connection up
                    long leaderId = client.getMaintenanceClient().statusMember(endpoints.get(0).toString())
                            .get(10, TimeUnit.SECONDS).getLeader();
                    String leaderName = membership.list().stream().filter(x -> x.id() == leaderId).findFirst()
                            .orElseThrow().name();
                    EtcdMember victim = members.stream().filter(x -> leader == x.spec().name().equals(leaderName))
                            .findFirst().orElseThrow();
                    long start = System.nanoTime();
                    victim.kill();
                    write(store, Duration.ofSeconds(30));
                    long gap = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    (leader ? leaderGaps : followerGaps).add(gap);
                    victim.start().awaitHealthy(Duration.ofSeconds(30));
                    for (EtcdMember m : members) {
                        m.awaitHealthy(Duration.ofSeconds(30));
                    }
                }
            }
        } finally {
            for (EtcdMember m : members) {
                m.stop();
            }
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf(Locale.ROOT, "kill of   median ms  all (ms)%n");
        System.out.printf(Locale.ROOT, "leader    %9d  %s%n", median(leaderGaps), leaderGaps);
        System.out.printf(Locale.ROOT, "follower  %9d  %s%n", median(followerGaps), followerGaps);
    }

    /** One read-modify-write, retried until it lands or the deadline passes. */
    private static void write(EtcdAllocationStore store, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (true) {
            try {
                Snapshot s = store.read("gap");
                Map<String, String> next = new LinkedHashMap<>(s.entries());
                next.put("n", Long.toString(s.version()));
                if (store.compareAndSet("gap", s.version(), next)) {
                    return;
                }
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private static long median(List<Long> xs) {
        List<Long> sorted = new ArrayList<>(xs);
        sorted.sort(null);
        return sorted.isEmpty() ? -1 : sorted.get(sorted.size() / 2);
    }

    private static URI url() throws IOException {
        return LoopbackPorts.url();
    }
}
