package io.kubermesh.benchmarks.routing;

import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.routing.daemon.Neighbour;
import io.kubermesh.routing.daemon.RoutingDaemonProvider;
import io.kubermesh.routing.daemon.RoutingDaemons;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Whole-process benchmark of the two routing daemons side by side, in the same run, on network
 * namespace meshes (root required): start to full routing at 6 nodes (ring of six with chords
 * 1-4, 2-5) and 16 nodes (4x4 grid); on the six-node mesh, the outage a 10 ms ping probe between
 * two neighbours sees when their cable loses carrier and when it goes silent (ip6tables DROP on
 * one side, caught by BFD 100 ms x 3); resident memory per node. Prints medians and the
 * BIRD/FRR ratio.
 *
 * <p>Run: {@code java -cp kubermesh-benchmarks/target/benchmarks.jar
 * io.kubermesh.benchmarks.routing.RoutingDaemonBenchmark [repetitions]}
 */
public final class RoutingDaemonBenchmark {
    private static final Pattern PING = Pattern.compile("(\\d+) packets transmitted, (\\d+) received");
    private static final int PROBES = 400;
    private static final long PROBE_INTERVAL_MS = 10;

    private RoutingDaemonBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        for (String name : List.of("frr", "bird")) {
            RoutingDaemonProvider provider = RoutingDaemons.provider(name);
            Map<String, Double> r = new LinkedHashMap<>();
            r.put("start to full reachability, 6 nodes (ms)", median(startups(provider, sixNodeMesh(), Math.max(1, reps / 2), null)));
            long[] rss = new long[1];
            r.put("start to full reachability, 16 nodes (ms)", median(startups(provider, Topology.grid(4, 4), Math.max(1, reps / 2), rss)));
            r.put("RSS per node, 16 nodes (MiB)", rss[0] / 1024.0);
            List<Double> carrier = new ArrayList<>();
            List<Double> silent = new ArrayList<>();
            try (NetnsMesh mesh = new NetnsMesh(sixNodeMesh(), provider)) {
                mesh.build();
                mesh.startAll();
                awaitRouted(mesh);
                for (int i = 0; i < reps; i++) {
                    carrier.add(outage(mesh, false));
                    silent.add(outage(mesh, true));
                }
            }
            r.put("carrier loss to rerouted, 10 ms probe (ms)", median(carrier));
            r.put("silent failure to rerouted, 10 ms probe (ms)", median(silent));
            System.out.printf(Locale.ROOT, "%s: carrier %s silent %s%n", name, carrier, silent);
            results.put(name, r);
        }
        System.out.printf(Locale.ROOT, "%n| %-46s | %9s | %9s | %9s |%n", "median over " + reps + " runs", "FRR", "BIRD", "BIRD/FRR");
        System.out.printf(Locale.ROOT, "|%s|%s|%s|%s|%n", "-".repeat(48), "-".repeat(11), "-".repeat(11), "-".repeat(11));
        for (String metric : results.get("frr").keySet()) {
            double f = results.get("frr").get(metric);
            double b = results.get("bird").get(metric);
            System.out.printf(Locale.ROOT, "| %-46s | %9.1f | %9.1f | %9.2f |%n", metric, f, b, b / f);
        }
    }

    static Topology sixNodeMesh() {
        return Topology.fromPairs(6, new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 0}, {0, 3}, {1, 4}});
    }

    private static List<Double> startups(RoutingDaemonProvider provider, Topology t, int reps, long[] rssOut)
            throws IOException {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < reps; i++) {
            try (NetnsMesh mesh = new NetnsMesh(t, provider)) {
                mesh.build();
                long t0 = System.nanoTime();
                mesh.startAll();
                awaitRouted(mesh);
                // Routes everywhere, then every host answering every other: full reachability.
                while (!mesh.allPing()) {
                    if (System.nanoTime() - t0 > 300e9) {
                        throw new IllegalStateException(provider.name() + ": not every host answers after 300 s");
                    }
                    sleep(100);
                }
                out.add((System.nanoTime() - t0) / 1e6);
                if (rssOut != null) {
                    long sum = mesh.machines().stream().mapToLong(mesh::rssKib).sum();
                    rssOut[0] = sum / mesh.machines().size();
                }
            }
        }
        System.out.printf(Locale.ROOT, "%s start %d nodes: %s%n", provider.name(), t.machines().size(), out);
        return out;
    }

    private static void awaitRouted(NetnsMesh mesh) {
        long t0 = System.nanoTime();
        while (!mesh.fullyRouted()) {
            if (System.nanoTime() - t0 > 180e9) {
                throw new IllegalStateException("no full routing after 180 s");
            }
            sleep(50);
        }
    }

    /**
     * Probes gateway -> kubermesh1 (neighbours on cable 0) every 10 ms, breaks the cable after one
     * second, and returns lost probes times the probe interval actually achieved. Then restores
     * the cable and waits for the adjacency and the direct path to come back.
     */
    private static double outage(NetnsMesh mesh, boolean silent) throws Exception {
        Cable cable = sixNodeMesh().cables().get(0);
        String a = cable.a().machine();
        String b = cable.b().machine();
        // iputils ping: unlike busybox's it keeps probing through send errors (ENETUNREACH,
        // ENOBUFS) while the route is being replaced.
        Process probe = new ProcessBuilder("ip", "netns", "exec", mesh.ns(a), "ping", "-6", "-q", "-c",
                Integer.toString(PROBES), "-i", "0.01", "-W", "1", mesh.host(b).toString()).redirectErrorStream(true).start();
        long t0 = System.nanoTime();
        sleep(1000);
        // Act on the far end: busybox ping exits on a failed sendto, which an OUTPUT drop or a
        // route withdrawn from under it on the probing side would cause. The probing side sees
        // the carrier go, or the cable go silent, like any neighbour.
        if (silent) {
            mesh.silence(cable.b(), true);
        } else {
            mesh.linkDown(cable.b(), true);
        }
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        probe.waitFor();
        double wallMs = (System.nanoTime() - t0) / 1e6;
        if (silent) {
            mesh.silence(cable.b(), false);
        } else {
            mesh.linkDown(cable.b(), false);
        }
        Matcher m = PING.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no ping summary: " + out);
        }
        int sent = Integer.parseInt(m.group(1));
        int received = Integer.parseInt(m.group(2));
        double interval = Math.max(PROBE_INTERVAL_MS, wallMs / sent);
        awaitAdjacency(mesh, a, NetnsMesh.port(cable.a()));
        awaitAdjacency(mesh, b, NetnsMesh.port(cable.b()));
        awaitRouted(mesh);
        // ospf6d re-originates a router-LSA at most every 5 s (MinLSInterval): let that pass.
        sleep(6000);
        return (sent - received) * interval;
    }

    private static void awaitAdjacency(NetnsMesh mesh, String m, String port) {
        long t0 = System.nanoTime();
        while (mesh.daemon(m).neighbours().stream().noneMatch(n -> n.interfaceName().equals(port) && n.full())) {
            if (System.nanoTime() - t0 > 60e9) {
                List<Neighbour> n = mesh.daemon(m).neighbours();
                throw new IllegalStateException(m + ": no full adjacency on " + port + " after 60 s: " + n);
            }
            sleep(100);
        }
    }

    static double median(List<Double> values) {
        List<Double> s = values.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
