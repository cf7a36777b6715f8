package io.kubermesh.benchmarks.lab;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.lab.Lab;
import io.kubermesh.provider.netns.NetnsSubstrate;
import io.kubermesh.provider.netns.NetnsSubstrateProvider;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Whole-process benchmark of a join in the netns lab (root): a line of N-1 machines comes up, then
 * a blank machine is plugged into the far end, repeatedly (each time the previous one is killed
 * and a new blank one takes over its port, so the mesh stays at N). A join runs from its cable
 * coming up (its firmware turning its NIC up, when the neighbour sees carrier) to its host address
 * being reachable from every machine, and is given from power on too; its console's
 * instants split it into the protocol steps. Prints, per routing daemon and size, the median join
 * and each step's share, the agent JVM's RSS and the routing daemons' RSS of the joined machine,
 * and the ratio to the 3 s goal (and BIRD/FRR when both run).
 *
 * <p>Run (see {@code kubermesh-benchmarks/scripts/join-bench.sh}): {@code java -cp benchmarks.jar
 * io.kubermesh.benchmarks.lab.JoinBenchmark AGENT_COMMAND SIZES REPETITIONS DAEMONS LAB_ROOT}, the
 * machines' JVM command as one string split on spaces ({@code java ... -cp kubermesh-cli.jar
 * io.kubermesh.provider.netns.machine.NetnsMachine}), and optionally {@code archive}: use (and make
 * once) the agents' class archive as {@code kubermesh up} does.
 */
public final class JoinBenchmark {
    private static final double GOAL_SECONDS = 3.0;
    private static final int REACHABLE_SECONDS = 60;
    private static final int MAX_REPETITIONS = 20;

    private JoinBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<String> agent = Arrays.asList(args[0].trim().split("\\s+"));
        List<Shape> sizes = Arrays.stream(args[1].split(",")).map(Shape::parse).toList();
        int reps = Integer.parseInt(args[2]);
        // Each join is a new machine on the same port of the same neighbour. The one before it is
        // killed first, so that cable loses carrier and the neighbour marks its leases there gone
        // (Dhcp6Engine.cableGone): any number of joins get an address from a pool of three.
        if (reps < 1 || reps > MAX_REPETITIONS) {
            System.err.println("repetitions: " + reps + "; 1 to " + MAX_REPETITIONS);
            System.exit(2);
        }
        List<String> daemons = Arrays.asList(args[3].split(","));
        Path root = Path.of(args[4]);
        Files.createDirectories(root);
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        // As `kubermesh up` does: the agents' class archive, made once by a training join (netns prepares it).
        boolean archive = args.length > 5 && args[5].equals("archive");
        System.out.println("agent command: " + String.join(" ", agent));
        Map<String, Map<Shape, Result>> results = new LinkedHashMap<>();
        for (String daemon : daemons) {
            for (Shape n : sizes) {
                Result r = run(agent, archive, daemon, n, reps, root.resolve(daemon + "-" + n.token()));
                results.computeIfAbsent(daemon, k -> new LinkedHashMap<>()).put(n, r);
                print(daemon, n, r);
            }
        }
        System.out.println();
        System.out.println("summary: median join (the cable coming up, when the firmware turns its NIC up, to reachable from every"
                + " machine; and from power on)");
        for (var d : results.entrySet()) {
            for (var e : d.getValue().entrySet()) {
                double s = secs(e.getValue().median().fromCable());
                String peer = "";
                if (!d.getKey().equals("frr") && results.containsKey("frr") && results.get("frr").containsKey(e.getKey())) {
                    peer = String.format(Locale.ROOT, ", %s/frr %.2f", d.getKey(),
                            s / secs(results.get("frr").get(e.getKey()).median().fromCable()));
                }
                System.out.printf(Locale.ROOT, "  %-4s %s: %.2f s (x%.2f the %.0f s goal)%s, from power on %.2f s; agent RSS %.0f MiB, "
                                + "routing daemons %.0f MiB; first agent (gateway) start to ready %.2f s; the mesh up in %.1f s%n",
                        d.getKey(), e.getKey(), s, s / GOAL_SECONDS, GOAL_SECONDS, peer, secs(e.getValue().median().total()),
                        e.getValue().agentRssKib() / 1024.0,
                        e.getValue().daemonsRssKib() / 1024.0, e.getValue().gatewayReady(), e.getValue().meshUp());
            }
        }
    }

    record Result(List<JoinTimeline> joins, JoinTimeline median, long agentRssKib, long daemonsRssKib, double gatewayReady,
                  double meshUp) {
    }

    /**
     * A size: {@code N}, a line of N-1 machines and the joiner at its far end (N in all), or
     * {@code RxC}, a grid of R rows and C columns and the joiner at the corner opposite the
     * gateway (R*C+1 in all).
     */
    record Shape(int rows, int columns) {
        static Shape parse(String token) {
            String t = token.trim();
            if (t.contains("x")) {
                String[] rc = t.split("x");
                return new Shape(Integer.parseInt(rc[0]), Integer.parseInt(rc[1]));
            }
            return new Shape(0, Integer.parseInt(t) - 1);
        }

        boolean grid() {
            return rows > 0;
        }

        int machines() {
            return (grid() ? rows * columns : columns) + 1;
        }

        Topology topology() {
            return grid() ? Topology.grid(rows, columns) : Topology.line(columns);
        }

        String token() {
            return grid() ? rows + "x" + columns : Integer.toString(machines());
        }

        @Override
        public String toString() {
            return machines() + " machines (" + (grid() ? "grid " + rows + "x" + columns + ", the new one at the far corner"
                    : "line, the new one at the far end") + ")";
        }
    }

    private static Result run(List<String> agent, boolean archive, String daemon, Shape n, int reps, Path dir)
            throws Exception {
        String yaml = seedYaml().replace("name: lab", "name: chb").replace("daemon: frr", "daemon: " + daemon);
        if (!yaml.contains("daemon: " + daemon)) {
            yaml = yaml.replace("cluster:\n", "cluster:\n  routing: { daemon: " + daemon + " }\n");
        }
        Lab lab = Lab.create(dir, yaml, new NetnsSubstrateProvider(),
                Map.of(NetnsSubstrate.CLASS_ARCHIVE, archive ? "use" : "off"),
                line -> System.out.println("  [" + daemon + " " + n.token() + "] " + line));
        NetnsSubstrate substrate = (NetnsSubstrate) lab.substrate();
        substrate.useMachineCommand(agent);
        try {
            long t0 = System.nanoTime();
            lab.up(n.topology());
            double meshUp = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "  %s of %d up in %.1f s; joins to the gateway %s%n", n.grid() ? "grid" : "line",
                    n.machines() - 1, meshUp, lab.joinTimes());
            double gatewayReady = lab.joinTimes().getOrDefault(Topology.GATEWAY, -1.0);
            String tail = Topology.machineName(n.machines() - 2);
            List<JoinTimeline> joins = new ArrayList<>();
            long agentRss = 0;
            long daemonsRss = 0;
            String previous = null;
            PortRef port = new PortRef(tail, -1);
            for (int i = 0; i < reps; i++) {
                if (previous != null) {
                    lab.kill(previous);
                }
                String name = lab.plug(List.of(port));
                Instant reachable = reachableFromAll(lab, name);
                Instant on = lab.poweredOnAt(name).orElseThrow();
                JoinTimeline j = JoinTimeline.of(on, Files.readAllLines(substrate.consoleLog(name)), reachable);
                joins.add(j);
                long[] rss = NamespaceRss.of(substrate.namespace(name));
                agentRss = rss[0];
                daemonsRss = rss[1];
                System.out.printf(Locale.ROOT, "  %s joined in %.2f s from power on, %.2f s from the cable: %s%n", name,
                        secs(j.total()), secs(j.fromCable()), format(j));
                port = lab.substrate().topology().cablesOf(name).get(0).other(name);
                previous = name;
            }
            return new Result(joins, JoinTimeline.median(joins), agentRss, daemonsRss, gatewayReady, meshUp);
        } finally {
            lab.down();
        }
    }

    /**
     * The instant the new machine's host address answers an echo from every other powered machine
     * (sent by their agents, every 0.1 s until answered). The machines are listed once, so a round
     * is only the echoes, not every agent's status as well.
     */
    private static Instant reachableFromAll(Lab lab, String name) {
        long deadline = System.nanoTime() + REACHABLE_SECONDS * 1_000_000_000L;
        var targets = lab.probeTargets();
        while (System.nanoTime() < deadline) {
            Map<String, Map<String, Boolean>> m = lab.reachability(targets);
            if (m.entrySet().stream().filter(e -> !e.getKey().equals(name)).allMatch(e -> Boolean.TRUE.equals(e.getValue().get(name)))) {
                return Instant.now();
            }
        }
        throw new IllegalStateException(name + " not reachable from every machine within " + REACHABLE_SECONDS + " s");
    }

    private static void print(String daemon, Shape n, Result r) {
        JoinTimeline m = r.median();
        double total = secs(m.total());
        System.out.printf(Locale.ROOT, "%s, %s, %d joins: median %.2f s from power on, %.2f s from the cable%n", daemon, n,
                r.joins().size(), total, secs(m.fromCable()));
        for (var e : m.steps().entrySet()) {
            System.out.printf(Locale.ROOT, "    %-44s %7.0f ms  %5.1f %%%n", e.getKey(), e.getValue().toNanos() / 1e6,
                    total == 0 ? 0 : 100 * secs(e.getValue()) / total);
        }
        System.out.printf(Locale.ROOT, "    agent JVM RSS %.0f MiB, routing daemons and the rest %.0f MiB%n",
                r.agentRssKib() / 1024.0, r.daemonsRssKib() / 1024.0);
    }

    private static String format(JoinTimeline j) {
        StringBuilder s = new StringBuilder();
        j.steps().forEach((k, v) -> s.append(k.split(" ")[0]).append('=').append(v.toMillis()).append(" "));
        return s.toString().trim();
    }

    private static double secs(Duration d) {
        return d.toNanos() / 1e9;
    }

    private static String seedYaml() throws IOException {
        try (InputStream in = ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
