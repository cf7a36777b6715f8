package io.kubermesh.benchmarks.routing;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.Topology;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.daemon.RoutingDaemonProvider;
import io.kubermesh.routing.daemon.RoutingDaemons;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whole-process benchmark of FRR and BIRD side by side, in the same run, on network-namespace
 * meshes (root required), at 6 nodes (ring of six with chords 1-4, 2-5) and 16 nodes (4x4 grid):
 *
 * <ul>
 *   <li><b>join</b>: the last machine of the topology is the new node. The others run and route
 *       to each other; the new node's daemon runs with its ports down. Its cables come up at t0;
 *       every other node probes the new node's host address every 10 ms; the time is the latest
 *       of their first replies. A fresh mesh per repetition, so the new node is new to the LSDB.</li>
 *   <li><b>anycast</b>: the same /128 on a neighbour of the client (near) and on a node two hops
 *       away (far). The client probes the anycast address every 10 ms; at t0 the near node
 *       withdraws the address from its stub (what the anycast engine does on a failed check's
 *       verdict); the time is the first reply after t0 that comes from the far node (told apart
 *       by the reply's hop limit). Then the address comes back on the near node.</li>
 * </ul>
 * Prints every figure, then medians and the BIRD/FRR ratio.
 *
 * <p>Run: {@code java -cp kubermesh-benchmarks/target/benchmarks.jar
 * io.kubermesh.benchmarks.routing.JoinAndAnycastBenchmark [repetitions] [sizes, e.g. 6,16] [daemons, e.g. frr,bird]}
 */
public final class JoinAndAnycastBenchmark {
    private static final Ipv6Address SERVICE = Ipv6Address.parse("2001:db8:ffff::53");

    private JoinAndAnycastBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        List<Integer> sizes = List.of((args.length > 1 ? args[1] : "6,16").split(",")).stream().map(Integer::parseInt).toList();
        List<String> names = List.of((args.length > 2 ? args[2] : "frr,bird").split(","));
        Map<String, Map<String, Double>> results = new LinkedHashMap<>();
        for (int size : sizes) {
            Topology t = size == 6 ? RoutingDaemonBenchmark.sixNodeMesh() : grid(size);
            for (String name : names) {
                RoutingDaemonProvider provider = RoutingDaemons.provider(name);
                List<Double> join = new ArrayList<>();
                for (int i = 0; i < reps; i++) {
                    join.add(join(provider, t));
                }
                List<Double> moved = anycast(provider, t, reps);
                System.out.printf(Locale.ROOT, "%s %d nodes: join %s anycast %s%n", name, size, join, moved);
                Map<String, Double> r = results.computeIfAbsent(name, k -> new LinkedHashMap<>());
                r.put("new node reachable from all, " + size + " nodes (ms)", RoutingDaemonBenchmark.median(join));
                r.put("anycast withdrawal to traffic moved, " + size + " nodes (ms)", RoutingDaemonBenchmark.median(moved));
            }
        }
        System.out.printf(Locale.ROOT, "%n| %-50s |", "median over " + reps + " runs");
        names.forEach(n -> System.out.printf(Locale.ROOT, " %9s |", n.toUpperCase(Locale.ROOT)));
        System.out.printf(Locale.ROOT, "%s%n", names.size() == 2 ? " BIRD/FRR |" : "");
        for (String metric : results.get(names.get(0)).keySet()) {
            System.out.printf(Locale.ROOT, "| %-50s |", metric);
            names.forEach(n -> System.out.printf(Locale.ROOT, " %9.1f |", results.get(n).get(metric)));
            if (names.size() == 2) {
                System.out.printf(Locale.ROOT, " %8.2f |", results.get(names.get(1)).get(metric) / results.get(names.get(0)).get(metric));
            }
            System.out.println();
        }
    }

    private static Topology grid(int size) {
        int side = (int) Math.round(Math.sqrt(size));
        if (side * side != size) {
            throw new IllegalArgumentException("size must be 6 or a square: " + size);
        }
        return Topology.grid(side, side);
    }

    /** One join on a fresh mesh: milliseconds from the new node's cables up to every other node reaching it. */
    static double join(RoutingDaemonProvider provider, Topology t) throws Exception {
        try (NetnsMesh mesh = new NetnsMesh(t, provider)) {
            mesh.build();
            List<String> all = mesh.machines();
            String fresh = all.get(all.size() - 1);
            List<String> others = all.subList(0, all.size() - 1);
            mesh.ports(fresh, false);
            mesh.startAll(others);
            await(() -> mesh.fullyRouted(others), 300, provider.name() + ": the mesh without " + fresh + " does not converge");
            mesh.startAll(List.of(fresh));
            // The mesh settles: whatever its nodes originated when the ports went down has flooded.
            sleep(3000);
            List<Probe> probes = new ArrayList<>();
            try {
                for (String m : others) {
                    probes.add(new Probe(mesh.ns(m), mesh.host(m), mesh.host(fresh), 90));
                }
                sleep(500);
                long t0 = Probe.nowMicros();
                mesh.ports(fresh, true);
                long deadline = System.nanoTime() + 80_000_000_000L;
                long latest = 0;
                for (int i = 0; i < probes.size(); i++) {
                    Probe.Reply r;
                    while ((r = probes.get(i).first(t0, -1)) == null) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(provider.name() + ": " + fresh + " not reachable from "
                                    + others.get(i) + " after 80 s; its neighbours " + mesh.daemon(fresh).neighbours()
                                    + ", routes there " + mesh.daemon(others.get(i)).installedRoutes() + "; probe: "
                                    + probes.get(i).tail());
                        }
                        sleep(10);
                    }
                    latest = Math.max(latest, r.micros());
                }
                return (latest - t0) / 1000.0;
            } finally {
                probes.forEach(Probe::close);
            }
        }
    }

    /** Anycast moves on one mesh, {@code reps} times: milliseconds from the near node's withdrawal to a reply from the far one. */
    static List<Double> anycast(RoutingDaemonProvider provider, Topology t, int reps) throws Exception {
        List<Double> out = new ArrayList<>();
        try (NetnsMesh mesh = new NetnsMesh(t, provider)) {
            mesh.build();
            mesh.startAll();
            await(mesh::fullyRouted, 300, provider.name() + ": no full routing");
            List<String> all = mesh.machines();
            String client = all.get(0);
            String near = t.cablesOf(client).get(0).other(client).machine();
            String far = all.stream().filter(m -> mesh.distance(client, m) == 2 && mesh.distance(near, m) == 1)
                    .findFirst().orElseThrow();
            int farHops = mesh.distance(client, far);
            Ipv6Prefix prefix = new Ipv6Prefix(SERVICE, 128);
            String nearPort = NetnsMesh.port(t.cablesOf(client).get(0).a().machine().equals(client)
                    ? t.cablesOf(client).get(0).a() : t.cablesOf(client).get(0).b());
            mesh.anycast(far, SERVICE, true);
            for (int i = 0; i < reps; i++) {
                mesh.anycast(near, SERVICE, true);
                await(() -> routedOnlyVia(mesh, client, prefix, nearPort), 60,
                        provider.name() + ": " + client + " does not route " + SERVICE + " to " + near);
                // Origination limits (MinLSInterval, 5 s) must not hold the withdrawal back.
                sleep(6000);
                try (Probe probe = new Probe(mesh.ns(client), mesh.host(client), SERVICE, 60)) {
                    sleep(1000);
                    if (probe.first(0, 1) == null) {
                        throw new IllegalStateException(provider.name() + ": the near holder " + near + " does not answer");
                    }
                    long t0 = Probe.nowMicros();
                    mesh.anycast(near, SERVICE, false);
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    Probe.Reply r;
                    while ((r = probe.first(t0, farHops)) == null) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException(provider.name() + ": traffic did not move to " + far + "; "
                                    + client + " routes " + mesh.daemon(client).installedRoutes() + "; probe: " + probe.tail());
                        }
                        sleep(10);
                    }
                    out.add((r.micros() - t0) / 1000.0);
                }
            }
        }
        return out;
    }

    private static boolean routedOnlyVia(NetnsMesh mesh, String m, Ipv6Prefix prefix, String port) {
        Set<String> ports = mesh.daemon(m).installedRoutes().stream().filter(r -> r.destination().equals(prefix))
                .flatMap(r -> r.nextHops().stream()).map(NextHop::interfaceName).collect(Collectors.toSet());
        return ports.equals(Set.of(port));
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void await(Check check, int seconds, String failure) throws Exception {
        long t0 = System.nanoTime();
        while (!check.ok()) {
            if (System.nanoTime() - t0 > seconds * 1_000_000_000L) {
                throw new IllegalStateException(failure + " after " + seconds + " s");
            }
            sleep(50);
        }
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
