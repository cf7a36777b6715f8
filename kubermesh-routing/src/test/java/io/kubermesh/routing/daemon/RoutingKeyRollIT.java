package io.kubermesh.routing.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.Topology;
import io.kubermesh.routing.daemon.bird.BirdProvider;
import io.kubermesh.routing.daemon.frr.FrrProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rolling the cluster's routing key on live daemons (docs/trust.md): three nodes in a triangle,
 * converged on key K, go through the rings {send K, accept N}, {send N, accept K} and {send N},
 * node after node with {@link #BETWEEN_NODES} in between, so that nodes holding different rings
 * are neighbours at every step. K has id 65535 and N id 1: the ids wrap, so the new key is the one
 * of lower id, which FRR would sign with first by id order alone. Throughout, every node's
 * adjacencies and routes are polled: no adjacency may leave Full and no route to another node's
 * host may go ({@link AdjacencyWatch}). So that a flap shorter than a poll shows too: with FRR,
 * no OSPF packet of the mesh may fail authentication (ospf6d's per-port rxPktDrop stays) and
 * every adjacency has been Full since before the roll; with BIRD, which authenticates BFD as
 * well, no BFD session changes state. Afterwards each daemon's configuration file holds N alone; a
 * daemon killed and restarted by its supervisor reads N from it and is full again; a fourth node
 * with K alone, cabled to the first, forms no adjacency, and once given N it does. Namespaces
 * {@code kmkr-*}; the cables are veth pairs created inside them, named by the address plan.
 */
class RoutingKeyRollIT {
    static final String PREFIX = "kmkr-n";
    static final String LATE = "kmkr-late";
    static final int LATE_ROUTER_ID = 0x0a0a0a0b;
    static final int FREE_PORT = 7;
    static final Duration BETWEEN_NODES = Duration.ofMillis(1000);
    /** After the last step: longer than a dead interval, so a node that heard nothing would show. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private MeshLab lab;
    private RoutingDaemon late;

    @BeforeAll
    static void requireEnvironment() {
        MeshRoutingContract.requireEnvironment();
    }

    @AfterEach
    void tearDown() {
        if (late != null) {
            late.close();
        }
        if (lab != null) {
            lab.close();
        }
        MeshLab.removeLeftovers(LATE);
    }

    @Test
    void frrRollsTheKeyWithoutLosingAnAdjacency() {
        MeshRoutingContract.require("/usr/lib/frr/ospf6d", "frr");
        MeshRoutingContract.require("/usr/bin/vtysh", "frr");
        roll(RoutingDaemons.provider(FrrProvider.NAME), "ospf6d");
    }

    @Test
    void birdRollsTheKeyWithoutLosingAnAdjacency() {
        MeshRoutingContract.require("/usr/sbin/bird", "bird2");
        roll(new BirdProvider(), "bird");
    }

    private void roll(RoutingDaemonProvider provider, String ospfProcess) {
        long t0 = System.nanoTime();
        SecureRandom random = new SecureRandom();
        RoutingKey k = new RoutingKey(65535, RoutingKey.generate(random).secret());
        RoutingKey n = new RoutingKey(1, RoutingKey.generate(random).secret());
        lab = new MeshLab(Topology.ring(3), provider, PREFIX, k);
        lab.build();
        lab.startAll();
        lab.awaitRoutesMatch(lab.model(), MeshRoutingContract.CONVERGE, Integer.MAX_VALUE);
        List<String> nodes = lab.machines();
        nodes.forEach(m -> MeshRoutingContract.awaitFull(lab.daemon(m), Set.copyOf(lab.daemon(m).config().ports())));
        boolean frr = provider.name().equals(FrrProvider.NAME);
        Map<String, Long> dropsBefore = frr ? authDrops() : Map.of();
        Map<String, List<String>> bfdBefore = frr ? Map.of() : bfdSessions();
        long converged = System.nanoTime();
        java.time.LocalTime rollStarted = java.time.LocalTime.now();

        List<RoutingKeyring> steps = List.of(new RoutingKeyring(k, List.of(n)), new RoutingKeyring(n, List.of(k)),
                RoutingKeyring.of(n));
        try (AdjacencyWatch watch = new AdjacencyWatch(lab)) {
            for (RoutingKeyring ring : steps) {
                for (String m : nodes) {
                    watch.phase(m + " takes " + ring.ids());
                    lab.daemon(m).rekey(ring);
                    assertThat(lab.daemon(m).config().keys()).contains(ring);
                    MeshLab.sleep(BETWEEN_NODES.toMillis());
                }
            }
            watch.phase("every node holds " + RoutingKeyring.of(n).ids());
            MeshLab.sleep(SETTLE.toMillis());
            watch.stop();
            System.out.printf("%s/%s: %d polls of every node during the roll (%d ms)%n", getClass().getSimpleName(),
                    provider.name(), watch.rounds(), (System.nanoTime() - converged) / 1_000_000);
            assertThat(watch.rounds()).as("polls during the roll").isGreaterThan(10);
            assertThat(watch.violations()).as("%s: adjacencies or routes lost during the roll; repairs by the audit %s",
                    provider.name(), repairs()).isEmpty();
        }
        long rolled = Duration.ofNanos(System.nanoTime() - converged).toSeconds();
        if (frr) {
            assertThat(authDrops()).as("OSPF packets that failed authentication, per node and port").isEqualTo(dropsBefore);
            // Also a flap shorter than a poll would show: ospf6d tells how long each adjacency has been Full.
            assertThat(fullFor()).as("seconds each adjacency has been Full, after a roll of %d s", rolled)
                    .allSatisfy((adjacency, seconds) -> assertThat(seconds).as(adjacency).isGreaterThanOrEqualTo(rolled - 1));
        } else {
            // BIRD authenticates BFD too: a session that went down even for a moment has another Since,
            // after the roll started (BIRD prints Since to the millisecond and it can read 1 ms apart
            // from one query to the next, so the instants are compared with the roll's start).
            Map<String, List<String>> after = bfdSessions();
            assertThat(withoutSince(after)).as("BFD sessions (address, port, state)").isEqualTo(withoutSince(bfdBefore));
            after.forEach((m, sessions) -> sessions.forEach(x -> assertThat(java.time.LocalTime.parse(x.substring(x.lastIndexOf(' ') + 1)))
                    .as("%s: BFD session %s Up since before the roll (%s)", m, x, rollStarted).isBefore(rollStarted)));
        }

        for (String m : nodes) {
            Path file = lab.stateRoot().resolve(m).resolve(frr ? "ospf6d.conf" : "bird.conf");
            String text = read(file);
            assertThat(PosixFilePermissions.toString(filePermissions(file))).as(file.toString()).isEqualTo("rw-------");
            assertThat(text).as("%s holds N", file).contains(n.ospfKey());
            assertThat(text).as("%s has forgotten K", file).doesNotContain(k.ospfKey()).doesNotContain(k.bfdKey());
            if (frr) {
                assertThat(text.lines().filter(l -> l.startsWith(" key ")).toList()).as(file.toString()).containsExactly(" key 1");
            } else {
                assertThat(text).contains(n.bfdKey());
            }
        }

        String victim = nodes.get(1);
        restartOspf(victim, ospfProcess);
        lateNodeNeedsTheNewKey(provider, nodes.get(0), k, n);
        System.out.printf("%s/%s: %d s in all%n", getClass().getSimpleName(), provider.name(),
                Duration.ofNanos(System.nanoTime() - t0).toSeconds());
    }

    /**
     * Kills the daemon's OSPF process on {@code victim}: its supervisor starts it again from the
     * files in the state directory, which hold N alone, so it becomes full again with neighbours
     * that accept nothing else.
     */
    private void restartOspf(String victim, String process) {
        RoutingDaemon d = lab.daemon(victim);
        long pid = Long.parseLong(read(lab.stateRoot().resolve(victim).resolve(process + ".pid")).trim());
        int restarts = d.health().restarts();
        assertThat(ProcessHandle.of(pid).orElseThrow().destroyForcibly()).isTrue();
        await(Duration.ofSeconds(30), () -> d.health().restarts() > restarts && d.health().healthy(), () -> "not restarted: " + d.health());
        MeshRoutingContract.awaitFull(d, Set.copyOf(d.config().ports()));
        for (String m : lab.machines()) {
            MeshRoutingContract.awaitFull(lab.daemon(m), Set.copyOf(lab.daemon(m).config().ports()));
        }
    }

    /**
     * A fourth node, with K alone, on a free port of {@code first}: for three dead intervals no
     * adjacency forms in any state on either side; given N, it is full within seconds.
     */
    private void lateNodeNeedsTheNewKey(RoutingDaemonProvider provider, String first, RoutingKey k, RoutingKey n) {
        MeshLab.removeLeftovers(LATE);
        PortPrefix free = lab.block(first).port(FREE_PORT);
        Sh.ok("ip", "netns", "add", LATE);
        Sh.ok("ip", "link", "add", "name", free.interfaceName(), "netns", lab.ns(first), "type", "veth", "peer", "name",
                "cluster0", "netns", LATE);
        Sh.ipBatch(lab.ns(first), List.of("address add " + free.thisEnd() + "/126 dev " + free.interfaceName() + " preferred_lft 0",
                "link set " + free.interfaceName() + " up"));
        Sh.ok("ip", "netns", "exec", LATE, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.all.accept_dad=0",
                "net.ipv6.conf.default.accept_dad=0");
        Sh.ipBatch(LATE, List.of("link set lo up", "link add " + MeshLab.STUB + " type ifb", "link set " + MeshLab.STUB + " up",
                "address add 2001:db8:ffff::2/128 dev " + MeshLab.STUB, "address add " + free.pool().get(0) + "/126 dev cluster0",
                "link set cluster0 up"));
        RoutingDaemon node = lab.daemon(first);
        List<String> ports = new ArrayList<>(node.config().ports());
        ports.add(free.interfaceName());
        node.reconfigure(ports);
        late = provider.create(new NodeConfig("late", LATE_ROUTER_ID, List.of("cluster0"), MeshLab.STUB, Optional.of(LATE),
                lab.stateRoot().resolve("late"), MeshLab.routing()).withKey(k));
        late.start();

        String lateId = RogueSpeakerContract.dotted(LATE_ROUTER_ID);
        String firstId = node.config().routerIdText();
        // Twice the dead interval: hellos refused all that time.
        long end = System.nanoTime() + MeshLab.routing().dead().multipliedBy(2).toNanos();
        while (System.nanoTime() < end) {
            assertThat(node.neighbours()).as("%s's neighbours while the late node holds K", first)
                    .noneMatch(x -> x.routerId().equals(lateId));
            assertThat(late.neighbours()).as("the late node's neighbours while it holds K").noneMatch(Neighbour::full);
            MeshLab.sleep(500);
        }

        late.rekey(RoutingKeyring.of(n));
        long given = System.nanoTime();
        await(Duration.ofSeconds(30), () -> node.neighbours().stream().anyMatch(x -> x.routerId().equals(lateId) && x.full())
                && late.neighbours().stream().anyMatch(x -> x.routerId().equals(firstId) && x.full()),
                () -> first + ": " + node.neighbours() + "; late: " + late.neighbours());
        System.out.printf("%s/%s: the late node with N is full %d ms after it got N%n", getClass().getSimpleName(), provider.name(),
                (System.nanoTime() - given) / 1_000_000);
    }

    /** Per node and port, the OSPF packets ospf6d dropped because they failed authentication. */
    private Map<String, Long> authDrops() {
        Map<String, Long> out = new TreeMap<>();
        for (String m : lab.machines()) {
            String json = Sh.ok("vtysh", "--vty_socket", lab.stateRoot().resolve(m).toString(), "-c", "show ipv6 ospf6 interface json");
            try {
                JsonNode root = JSON.readTree(json);
                for (String port : lab.daemon(m).config().ports()) {
                    JsonNode drops = root.path(port).path("authInfo").path("rxPktDrop");
                    assertThat(drops.isNumber()).as("%s %s: rxPktDrop in %s", m, port, json).isTrue();
                    out.put(m + "/" + port, drops.asLong());
                }
            } catch (IOException e) {
                throw new IllegalStateException(json, e);
            }
        }
        return out;
    }

    /** Per node and port, how many seconds ospf6d's adjacency there has been in its state (Full). */
    private Map<String, Long> fullFor() {
        Map<String, Long> out = new TreeMap<>();
        for (String m : lab.machines()) {
            String json = Sh.ok("vtysh", "--vty_socket", lab.stateRoot().resolve(m).toString(), "-c", "show ipv6 ospf6 neighbor json");
            try {
                for (JsonNode nb : JSON.readTree(json).path("neighbors")) {
                    String[] hms = nb.path("duration").asText().split(":");
                    assertThat(hms).as("duration in %s", json).hasSize(3);
                    out.put(m + "/" + nb.path("interfaceName").asText() + " " + nb.path("state").asText(),
                            Long.parseLong(hms[0]) * 3600 + Long.parseLong(hms[1]) * 60 + Long.parseLong(hms[2]));
                }
            } catch (IOException e) {
                throw new IllegalStateException(json, e);
            }
        }
        return out;
    }

    /** Per node, BIRD's BFD sessions without their timers: address, port, state and since when. */
    private Map<String, List<String>> bfdSessions() {
        Map<String, List<String>> out = new TreeMap<>();
        for (String m : lab.machines()) {
            String text = Sh.ok("birdc", "-s", lab.stateRoot().resolve(m).resolve("bird.ctl").toString(), "show", "bfd", "sessions");
            List<String> sessions = new ArrayList<>();
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 6 && f[0].startsWith("fe80:")) {
                    sessions.add(String.join(" ", List.of(f).subList(0, f.length - 2)));
                }
            }
            assertThat(sessions).as("%s's BFD sessions in %s", m, text).hasSize(lab.daemon(m).config().ports().size())
                    .allMatch(x -> x.contains(" Up "));
            out.put(m, sessions);
        }
        return out;
    }

    private static Map<String, List<String>> withoutSince(Map<String, List<String>> sessions) {
        Map<String, List<String>> out = new TreeMap<>();
        sessions.forEach((m, l) -> out.put(m, l.stream().map(x -> x.substring(0, x.lastIndexOf(' '))).toList()));
        return out;
    }

    private Map<String, Integer> repairs() {
        Map<String, Integer> out = new TreeMap<>();
        lab.machines().forEach(m -> out.put(m, lab.daemon(m).repairs()));
        return out;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Set<PosixFilePermission> filePermissions(Path file) {
        try {
            return Files.getPosixFilePermissions(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(Duration timeout, BooleanSupplier condition, Supplier<String> why) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout.toSeconds() + " s: " + why.get());
            }
            MeshLab.sleep(200);
        }
    }
}
