package io.kubermesh.provider.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.lab.Lab;
import io.kubermesh.lab.ReachabilityProbe;
import io.kubermesh.lab.RouteComparison;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Chaos, bounded: a 2x3 grid lab (namespaces kmch-*, member grace 10 s), then random cuts,
 * joins, kills, revives, SIGKILLs of an agent (its machine's supervisor restarts it) and of an
 * etcd member (the service behind the etcd anycast address) that keep the powered machines
 * connected (checked on the topology before acting). After each event the time until the mesh is
 * whole again is measured (from the event's start) and bounded: every powered machine reaches
 * every other's host address; after an agent's kill, a new agent answers; after an agent's or an
 * etcd's kill, once the check's fall time has passed, every anycast route leads to a holder an
 * agent lists. Before and after, every route the kernels installed (host, pod and anycast) follows
 * the route model's shortest paths. At the end {@code down} leaves no namespace, link or process.
 *
 * <p>The seed is random (the test's start in nanoseconds) and printed; {@code -Dchaos.seed=N}
 * replays a run. {@code -Dchaos.events=N} (default 10) and {@code -Dchaos.seconds=S} (default
 * 150, the chaos phase stops early past it) bound it. Seeds from before the agent and etcd kills
 * were added draw other events.
 */
class LabChaosIT extends LabFixture {
    private static final String CLUSTER = "ch";
    private static final String NAMESPACES = "km" + CLUSTER + "-";

    @Override
    String cluster() {
        return CLUSTER;
    }
    /** A cut, join or kill: OSPF dead interval 4 s, BFD 300 ms; generous for a loaded 2-core machine. */
    private static final double NETWORK_BOUND_SECONDS = 30;
    /** A revive boots the machine again (firmware, agent JVM) before its routes converge. */
    private static final double REVIVE_BOUND_SECONDS = 90;
    private static final int MIN_POWERED = 3;
    /** A killed agent's supervisor starts a new JVM at once; it answers once its components started. */
    private static final double AGENT_RESTART_BOUND_SECONDS = 20;

    /**
     * {@code agentkill}: SIGKILL of a machine's agent (its supervisor starts it again);
     * {@code etcdkill}: SIGKILL of a machine's etcd, the service behind the etcd anycast address.
     */
    enum Kind { cut, join, kill, revive, agentkill, etcdkill }

    record Event(Kind kind, String a, String b) {
        @Override
        public String toString() {
            return kind + " " + a + (b == null ? "" : " " + b);
        }
    }

    record Recovery(Event event, double seconds) {
    }

    @Test
    void theMeshHealsAfterEveryRandomEventAndDownLeavesNothing() throws Exception {
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        int events = Integer.getInteger("chaos.events", 10);
        long budget = Long.getLong("chaos.seconds", 150L) * 1_000_000_000L;
        System.out.println("LabChaosIT seed " + seed + " (-Dchaos.seed=" + seed + " replays it), " + events + " events");
        Random random = new Random(seed);
        this.seed = seed;

        lab = Lab.create(dir, clusterYaml(), new NetnsSubstrateProvider(), java.util.Map.of(), line -> System.out.println("  " + line));
        lab.up(Topology.grid(2, 3));
        int quorum = lab.plan().spec().controlPlane().etcdMembers() / 2 + 1;
        assertThat(ReachabilityProbe.complete(lab.reachability(20))).as("full reachability after up").isTrue();
        assertRoutesFollowTheModel("after up");
        // The probe's own round (every ordered pair, echoes every 0.1 s until answered) is the floor of every recovery time.
        long p0 = System.nanoTime();
        assertThat(ReachabilityProbe.complete(lab.reachability())).isTrue();
        System.out.printf("one probe round over %d machines, all reachable: %.2f s (the floor of a recovery time)%n",
                lab.probeTargets().size(), (System.nanoTime() - p0) / 1e9);

        Set<String> off = new TreeSet<>();
        List<Cable> cut = new ArrayList<>();
        List<Recovery> recoveries = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < events; i++) {
            if (System.nanoTime() - start > budget) {
                System.out.println("chaos budget spent after " + i + " events");
                break;
            }
            Topology t = lab.substrate().topology();
            Optional<Event> next = Optional.empty();
            // A kind with no possible event (nothing cut to join, nothing off to revive) draws again.
            Set<String> etcd = withEtcd(t, off);
            Set<String> voters = etcdMembers(false);
            Set<String> healthy = etcdMembers(true);
            for (int draw = 0; draw < 20 && next.isEmpty(); draw++) {
                next = choose(random, t, off, cut, etcd, voters, healthy, quorum);
            }
            Event e = next.orElseThrow(() -> new AssertionError("no possible event in " + t));
            long t0 = System.nanoTime();
            apply(e, t, off, cut);
            double acted = (System.nanoTime() - t0) / 1e9;
            double seconds = awaitRecovery(e, t0);
            recoveries.add(new Recovery(e, seconds));
            System.out.printf("chaos %2d: %-28s (%.2f s to act) whole again among %d powered machines after %.2f s%n",
                    i + 1, e, acted, t.machines().size() - off.size(), seconds);
        }
        assertThat(recoveries).as("events run").isNotEmpty();
        List<Double> times = recoveries.stream().map(Recovery::seconds).sorted().toList();
        System.out.printf("chaos seed %d: %d events, recovery median %.2f s, max %.2f s%n", seed, times.size(),
                times.get(times.size() / 2), times.get(times.size() - 1));
        for (Kind k : Kind.values()) {
            List<Double> of = recoveries.stream().filter(r -> r.event().kind() == k).map(Recovery::seconds).sorted().toList();
            if (!of.isEmpty()) {
                System.out.printf("  %-6s x%d: median %.2f s, max %.2f s%n", k, of.size(), of.get(of.size() / 2),
                        of.get(of.size() - 1));
            }
        }
        assertRoutesFollowTheModel("after the chaos");

        lab.down();
        assertNothingLeft();
    }

    /**
     * The next event: a cut that leaves the powered machines connected, a join of a cut cable, a
     * kill (never the gateway, at least {@value #MIN_POWERED} stay on) that leaves them connected
     * and, if the machine may hold a vote in etcd ({@code voters}), leaves at least {@code quorum}
     * other {@code healthy} voters powered (a cluster that loses its quorum is an operator's
     * disaster recovery, not something the mesh heals: no member is then healthy and no one holds
     * the anycast address), or a revive of a machine that has a cable to a powered one (it netboots
     * from it).
     */
    static Optional<Event> choose(Random random, Topology t, Set<String> off, List<Cable> cut, Set<String> etcd,
            Set<String> voters, Set<String> healthy, int quorum) {
        List<Event> candidates = new ArrayList<>();
        Set<String> on = t.machines().stream().map(Topology.Machine::name).filter(m -> !off.contains(m))
                .collect(Collectors.toCollection(TreeSet::new));
        Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
        switch (kind) {
            case cut -> t.cables().stream().filter(c -> connected(t, on, Set.of(c)))
                    .forEach(c -> candidates.add(new Event(Kind.cut, c.a().machine(), c.b().machine())));
            case join -> cut.forEach(c -> candidates.add(new Event(Kind.join, c.a().machine(), c.b().machine())));
            case kill -> {
                if (on.size() > MIN_POWERED) {
                    on.stream().filter(m -> !m.equals(Topology.GATEWAY))
                            .filter(m -> !voters.contains(m) || healthy.stream().filter(v -> !v.equals(m)).count() >= quorum)
                            .filter(m -> {
                        Set<String> rest = new TreeSet<>(on);
                        rest.remove(m);
                        return connected(t, rest, Set.of());
                    }).forEach(m -> candidates.add(new Event(Kind.kill, m, null)));
                }
            }
            case revive -> off.stream().filter(m -> t.cablesOf(m).stream().anyMatch(c -> on.contains(c.other(m).machine())))
                    .forEach(m -> candidates.add(new Event(Kind.revive, m, null)));
            case agentkill -> on.forEach(m -> candidates.add(new Event(Kind.agentkill, m, null)));
            case etcdkill -> etcd.stream().filter(on::contains).forEach(m -> candidates.add(new Event(Kind.etcdkill, m, null)));
            default -> throw new IllegalStateException();
        }
        // Always draw, so the random sequence does not depend on how many candidates there were.
        int pick = random.nextInt(1 << 16);
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(pick % candidates.size()));
    }

    /** Whether {@code on} stays connected over the cables of {@code t} without {@code without}. */
    static boolean connected(Topology t, Set<String> on, Set<Cable> without) {
        if (on.isEmpty()) {
            return true;
        }
        Set<String> seen = new HashSet<>();
        ArrayDeque<String> queue = new ArrayDeque<>();
        String first = on.contains(Topology.GATEWAY) ? Topology.GATEWAY : on.iterator().next();
        queue.add(first);
        seen.add(first);
        while (!queue.isEmpty()) {
            String m = queue.poll();
            for (Cable c : t.cablesOf(m)) {
                String n = c.other(m).machine();
                if (!without.contains(c) && on.contains(n) && seen.add(n)) {
                    queue.add(n);
                }
            }
        }
        return seen.containsAll(on);
    }

    private void apply(Event e, Topology t, Set<String> off, List<Cable> cut) {
        switch (e.kind()) {
            case cut -> {
                lab.cut(e.a(), e.b());
                cut.add(t.cables().stream().filter(c -> c.touches(e.a()) && c.touches(e.b())).findFirst().orElseThrow());
            }
            case join -> {
                lab.join(e.a(), e.b());
                cut.removeIf(c -> c.touches(e.a()) && c.touches(e.b()));
            }
            case kill -> {
                lab.kill(e.a());
                off.add(e.a());
            }
            case revive -> {
                lab.revive(e.a());
                off.remove(e.a());
            }
            case agentkill -> {
                agentBefore = agentStartedAt(e.a());
                consoleBefore = consoleLines(e.a());
                kill9(e.a(), "agent", this::isAgent);
            }
            case etcdkill -> kill9(e.a(), "etcd", pid -> exe(pid).endsWith("/etcd"));
            default -> throw new IllegalStateException();
        }
    }

    /** This run's chaos seed, for the failure messages. */
    private long seed;

    /** Before an agentkill: when the agent started, and how long its console was. */
    private String agentBefore;
    private long consoleBefore;

    /**
     * Seconds from the event's start until the mesh is whole again: for an agentkill, the agent
     * answers again (a new one, its restart on the console) and reaches everyone; for an etcdkill,
     * every anycast route follows the holders the agents list again; for the rest, full
     * reachability. Fails past the bound.
     */
    private double awaitRecovery(Event e, long t0) {
        if (e.kind() == Kind.agentkill) {
            awaitAgentRestart(e, t0);
        }
        if (e.kind() == Kind.etcdkill || e.kind() == Kind.agentkill) {
            // The killed member's check fails within fall x interval; its agent restarts etcd, which rises again.
            awaitAnycastRoutes(e, t0);
        }
        return awaitFullReachability(e, t0);
    }

    private void awaitAgentRestart(Event e, long t0) {
        while (true) {
            String now = agentStartedAt(e.a());
            if (now != null && !now.equals(agentBefore)) {
                break;
            }
            if ((System.nanoTime() - t0) / 1e9 > AGENT_RESTART_BOUND_SECONDS) {
                fail(e + ": no new agent answers on " + e.a() + " within " + AGENT_RESTART_BOUND_SECONDS + " s; console:\n"
                        + lab.consoleTail(e.a(), 30));
            }
            sleep(100);
        }
        System.out.printf("          agent of %s answers again after %.2f s%n", e.a(), (System.nanoTime() - t0) / 1e9);
        List<String> console = lab.substrate().consoleTail(e.a(), 100_000);
        assertThat(console.subList((int) Math.min(consoleBefore, console.size()), console.size()))
                .as("console of " + e.a() + " after " + e).contains("agent exited (signal 9); restarting as systemd would");
    }

    /**
     * Once the etcd check's fall time (fall x interval, plus one interval for the check in flight)
     * has passed since the event, every anycast route leads to a holder some agent lists.
     */
    private void awaitAnycastRoutes(Event e, long t0) {
        var etcd = lab.plan().spec().service("etcd").orElseThrow();
        long fallNanos = etcd.interval().multipliedBy(etcd.fall() + 1L).toNanos();
        long wait = t0 + fallNanos - System.nanoTime();
        if (wait > 0) {
            sleep(wait / 1_000_000);
        }
        List<RouteComparison> firstWrong = null;
        while (true) {
            List<RouteComparison> wrong = lab.routes(Optional.empty()).stream().filter(r -> r.target().startsWith("anycast"))
                    .filter(r -> !r.match().onShortestPaths()).toList();
            if (wrong.isEmpty()) {
                if (firstWrong != null) {
                    // What kept the routes from the holders past the fall time (the agents' lag or the daemons').
                    System.out.printf("          anycast routes followed the holders %.2f s after the event; at first: %s%n",
                            (System.nanoTime() - t0) / 1e9, firstWrong);
                }
                return;
            }
            if (firstWrong == null) {
                firstWrong = wrong;
            }
            if ((System.nanoTime() - t0) / 1e9 > NETWORK_BOUND_SECONDS) {
                fail(e + ": anycast routes do not follow the holders the agents list after " + NETWORK_BOUND_SECONDS + " s: "
                        + wrong + "\nholders: " + holders());
            }
            sleep(250);
        }
    }

    /**
     * The powered machines whose agents report an etcd member that is not a learner (a voter, or
     * one whose role is not known while it starts), or with {@code healthyVoters} only the healthy
     * voters.
     */
    private Set<String> etcdMembers(boolean healthyVoters) {
        return lab.status().stream().filter(m -> m.etcd() != null && !"learner".equals(m.etcd().role()))
                .filter(m -> !healthyVoters || m.etcd().healthy() && "voter".equals(m.etcd().role()))
                .map(io.kubermesh.lab.MachineView::name).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Each machine's etcd member as its agent says: role, leader, health. */
    private Map<String, String> etcdStates() {
        Map<String, String> out = new java.util.TreeMap<>();
        lab.status().forEach(m -> out.put(m.name(), m.etcd() == null ? m.state()
                : m.etcd().role() + (m.etcd().leader() ? " leader" : "") + (m.etcd().healthy() ? " healthy" : " unhealthy")));
        return out;
    }

    private Map<String, List<String>> holders() {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        lab.status().forEach(m -> out.put(m.name(), m.anycast()));
        return out;
    }

    /** When the machine's agent started, as it says; null while none answers. */
    private String agentStartedAt(String machine) {
        try (var agent = new io.kubermesh.agent.control.AgentClient(lab.substrate().agent(machine))) {
            return agent.status().startedAt();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private long consoleLines(String machine) {
        return lab.substrate().consoleTail(machine, 1_000_000).size();
    }

    /** SIGKILL of the one process of {@code machine} that {@code which} picks. */
    private void kill9(String machine, String what, java.util.function.LongPredicate which) {
        NetnsSubstrate netns = (NetnsSubstrate) lab.substrate();
        List<Long> pids = NamespaceProcesses.in(NetworkNamespaces.path(netns.namespace(machine))).stream()
                .filter(which::test).toList();
        assertThat(pids).as("the " + what + " process of " + machine).hasSize(1);
        assertThat(ProcessHandle.of(pids.get(0)).map(ProcessHandle::destroyForcibly)).as("SIGKILL " + what).contains(true);
    }

    /** The machine's JVM (its supervisor is a shell whose command line names the same class). */
    private boolean isAgent(long pid) {
        return exe(pid).endsWith("/java");
    }

    private static String exe(long pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "exe")).toString();
        } catch (IOException e) {
            return "";
        }
    }

    /** The powered machines running an etcd member now. */
    private Set<String> withEtcd(Topology t, Set<String> off) {
        NetnsSubstrate netns = (NetnsSubstrate) lab.substrate();
        Set<String> out = new TreeSet<>();
        for (Topology.Machine m : t.machines()) {
            if (!off.contains(m.name()) && NamespaceProcesses.in(NetworkNamespaces.path(netns.namespace(m.name()))).stream()
                    .anyMatch(pid -> exe(pid).endsWith("/etcd"))) {
                out.add(m.name());
            }
        }
        return out;
    }

    /**
     * Seconds from the event's start ({@code t0}, so a revive counts its boot) until every powered
     * machine reaches every other's host address; fails past the bound.
     */
    private double awaitFullReachability(Event e, long t0) {
        double bound = e.kind() == Kind.revive ? REVIVE_BOUND_SECONDS : NETWORK_BOUND_SECONDS;
        while (true) {
            Map<String, Map<String, Boolean>> m = lab.reachability();
            double seconds = (System.nanoTime() - t0) / 1e9;
            if (ReachabilityProbe.complete(m)) {
                return seconds;
            }
            if (seconds > bound) {
                fail("after " + e + " reachability did not return within " + bound + " s: " + m);
            }
        }
    }

    /**
     * Every destination of every powered machine: installed next hops on the model's shortest paths
     * (all of them, or a subset where ospf6d installed part of an ECMP set), none missing, none stale.
     */
    private void assertRoutesFollowTheModel(String when) {
        long start = System.nanoTime();
        long deadline = start + 60_000_000_000L;
        List<RouteComparison> routes;
        while (true) {
            // Host, pod and anycast routes: an anycast /128 routed towards a machine no agent lists
            // as its holder (a stale announcement) fails here once the checks' fall time has passed.
            // The last events may have left etcd without a quorum for a while (a voter killed and
            // revived): no member then holds the anycast address, so the check also waits for a
            // holder, which etcd's healing brings back.
            routes = lab.routes(Optional.empty());
            if (routes.stream().allMatch(r -> r.match().onShortestPaths())
                    && routes.stream().anyMatch(r -> r.target().startsWith("anycast")) || System.nanoTime() > deadline) {
                break;
            }
            sleep(1000);
        }
        System.out.printf("routes %s settled after %.1f s (anycast holders %s)%n", when, (System.nanoTime() - start) / 1e9,
                holders());
        int powered = (int) lab.status().stream().filter(m -> !m.state().equals("off") && !m.state().equals("gone")).count();
        long subset = routes.stream().filter(r -> r.match() == RouteComparison.Match.subset).count();
        System.out.printf("routes %s: %d destinations on %d machines, %d with part of the ECMP set installed%n", when,
                routes.size(), powered, subset);
        assertThat(routes).as("routes " + when + "; anycast holders " + holders()).allSatisfy(r -> assertThat(
                r.match().onShortestPaths()).as(r.toString()).isTrue());
        assertThat(routes).as("anycast routes %s (seed %d; etcd members %s)", when, seed, etcdStates())
                .anyMatch(r -> r.target().startsWith("anycast"));
        Map<String, Long> perMachine = routes.stream().filter(r -> !r.target().startsWith("anycast"))
                .collect(Collectors.groupingBy(RouteComparison::from, Collectors.counting()));
        assertThat(perMachine).as("host and pod routes per machine " + when).hasSize(powered)
                .allSatisfy((m, n) -> assertThat(n).isEqualTo(2L * (powered - 1)));
    }

    private void assertNothingLeft() throws IOException {
        assertThat(NetworkNamespaces.list()).as("ip netns").noneMatch(n -> n.startsWith(NAMESPACES));
        Process links = new ProcessBuilder("ip", "-o", "link").redirectErrorStream(true).start();
        String out = new String(links.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(out.lines()).as("ip link").noneMatch(l -> l.contains("km" + CLUSTER));
        List<String> left = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmd = Files.readString(p.resolve("cmdline")).replace('\0', ' ');
                    if (cmd.contains(dir.toString())) {
                        left.add(p.getFileName() + ": " + cmd);
                    }
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        }
        assertThat(left).as("processes of the lab").isEmpty();
        assertThat(dir).doesNotExist();
    }

    private static String clusterYaml() throws IOException {
        try (InputStream in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            // A short member grace, so a killed voter is replaced (and its anycast holding moves) during the chaos.
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: lab", "name: " + CLUSTER)
                    .replaceAll("memberGrace: \\w+", "memberGrace: 10s");
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
