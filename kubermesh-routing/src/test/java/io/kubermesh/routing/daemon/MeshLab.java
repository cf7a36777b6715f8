package io.kubermesh.routing.daemon;

import io.kubermesh.api.RoutingSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.netlink.Rtnetlink;
import io.kubermesh.routing.model.RouteModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Test harness: a Topology built as network namespaces {@code kmre-nI} cabled by veth pairs,
 * each node with its planned addresses from the seed plan ({@link SeedPlan}) (host /128 and the first pods address
 * on an ifb stub, this-end /126 on every port), and a routing daemon per node, all with one
 * routing key. Configures the
 * network with {@code ip}, which only the tests may do. Everything it creates is removed by
 * {@link #close()}, also after a failure.
 */
final class MeshLab implements AutoCloseable {
    static final String NS_PREFIX = "kmre-n";
    static final String STUB = "stub0";

    private final String nsPrefix;
    /** The lab's routing key: every node authenticates OSPFv3 (and BFD where it can) with it. */
    private final RoutingKey key;
    private final Topology topology;
    private final RoutingDaemonProvider provider;
    private final Path stateRoot;
    private final Map<String, Integer> index = new HashMap<>();
    private final Map<String, RoutingDaemon> daemons = new LinkedHashMap<>();
    private final Set<String> lost = new TreeSet<>();
    private final Set<Cable> down = new LinkedHashSet<>();

    MeshLab(Topology topology, RoutingDaemonProvider provider) {
        this(topology, provider, NS_PREFIX);
    }

    /** A lab whose namespaces are {@code nsPrefix + index} (each IT family keeps its own prefix). */
    MeshLab(Topology topology, RoutingDaemonProvider provider, String nsPrefix) {
        this(topology, provider, nsPrefix, RoutingKey.generate(new java.security.SecureRandom()));
    }

    /** A lab whose nodes start with the routing key {@code key}. */
    MeshLab(Topology topology, RoutingDaemonProvider provider, String nsPrefix, RoutingKey key) {
        this.nsPrefix = nsPrefix;
        this.key = key;
        this.topology = topology;
        this.provider = provider;
        for (int i = 0; i < topology.machines().size(); i++) {
            index.put(topology.machines().get(i).name(), i);
        }
        try {
            this.stateRoot = Files.createTempDirectory("kmre-" + provider.name() + "-");
            Files.setPosixFilePermissions(stateRoot, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The seed's routing parameters: hello 1 s, dead 4 s, BFD 100 ms x 3. */
    static RoutingSpec routing() {
        return RoutingSpec.DEFAULT;
    }

    List<String> machines() {
        return topology.machines().stream().map(Topology.Machine::name).toList();
    }

    List<String> alive() {
        return machines().stream().filter(m -> !lost.contains(m)).toList();
    }

    String ns(String machine) {
        return nsPrefix + (index.get(machine) + 1);
    }

    MacAddress mac(String machine) {
        return new MacAddress(0x5254_006b_0000L + index.get(machine) + 1);
    }

    NodeBlock block(String machine) {
        return SeedPlan.node(mac(machine));
    }

    Ipv6Address podAddress(String machine) {
        return block(machine).pods().network().plus(1);
    }

    /** The routing key every node started with. */
    RoutingKey key() {
        return key;
    }

    RoutingDaemon daemon(String machine) {
        return daemons.get(machine);
    }

    static String port(PortRef end) {
        return PortPrefix.interfaceName(end.port());
    }

    /** Removes namespaces a crashed earlier run may have left. */
    void removeLeftovers() {
        removeLeftovers(nsPrefix);
    }

    /** Removes every namespace named {@code prefix...}, killing what runs inside first. */
    static void removeLeftovers(String prefix) {
        for (String line : Sh.ok("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(prefix)) {
                killInside(name);
                Sh.run(List.of("ip", "netns", "del", name));
            }
        }
    }

    void build() {
        removeLeftovers();
        for (String m : machines()) {
            Sh.ok("ip", "netns", "add", ns(m));
            Sh.ok("ip", "netns", "exec", ns(m), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1",
                    "net.ipv6.conf.default.accept_dad=0", "net.ipv6.conf.all.accept_dad=0");
        }
        List<String> root = new ArrayList<>();
        for (Cable c : topology.cables()) {
            root.add("link add name " + port(c.a()) + " netns " + ns(c.a().machine()) + " type veth peer name "
                    + port(c.b()) + " netns " + ns(c.b().machine()));
        }
        Sh.ipBatch(null, root);
        for (String m : machines()) {
            NodeBlock b = block(m);
            List<String> lines = new ArrayList<>();
            lines.add("link set lo up");
            lines.add("link add " + STUB + " type ifb");
            lines.add("link set " + STUB + " up");
            lines.add("address add " + b.host() + "/128 dev " + STUB);
            lines.add("address add " + podAddress(m) + "/" + b.pods().length() + " dev " + STUB);
            for (Cable c : topology.cablesOf(m)) {
                PortRef end = c.a().machine().equals(m) ? c.a() : c.b();
                PortPrefix p = b.port(end.port());
                lines.add("address add " + p.thisEnd() + "/" + p.prefix().length() + " dev " + p.interfaceName()
                        + " preferred_lft 0");
                lines.add("link set " + p.interfaceName() + " up");
            }
            Sh.ipBatch(ns(m), lines);
        }
    }

    NodeConfig nodeConfig(String m) {
        List<String> ports = topology.cablesOf(m).stream()
                .map(c -> port(c.a().machine().equals(m) ? c.a() : c.b())).toList();
        return new NodeConfig(m, NodeConfig.routerIdFor(mac(m)), ports, STUB, Optional.of(ns(m)),
                stateRoot.resolve(m), routing()).withKey(key);
    }

    /** Creates and starts every node's daemon, in parallel. */
    void startAll() {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String m : machines()) {
            RoutingDaemon d = provider.create(nodeConfig(m));
            daemons.put(m, d);
            starts.add(CompletableFuture.runAsync(d::start));
        }
        starts.forEach(CompletableFuture::join);
    }

    void cutCarrier(Cable c) {
        Sh.ok("ip", "-n", ns(c.a().machine()), "link", "set", port(c.a()), "down");
        down.add(c);
    }

    void restoreCarrier(Cable c) {
        Sh.ok("ip", "-n", ns(c.a().machine()), "link", "set", port(c.a()), "up");
        down.remove(c);
    }

    void silence(Cable c) {
        firewall(c, "-I");
        down.add(c);
    }

    void unsilence(Cable c) {
        firewall(c, "-D");
        down.remove(c);
    }

    private void firewall(Cable c, String op) {
        String ns = ns(c.a().machine());
        String ifname = port(c.a());
        Sh.ok("ip", "netns", "exec", ns, "ip6tables", op, "INPUT", "-i", ifname, "-j", "DROP");
        Sh.ok("ip", "netns", "exec", ns, "ip6tables", op, "OUTPUT", "-o", ifname, "-j", "DROP");
        Sh.ok("ip", "netns", "exec", ns, "ip6tables", op, "FORWARD", "-i", ifname, "-j", "DROP");
        Sh.ok("ip", "netns", "exec", ns, "ip6tables", op, "FORWARD", "-o", ifname, "-j", "DROP");
    }

    /** Stops the node's daemon and deletes its namespace (its cables go with it). */
    void loseNode(String m) {
        daemons.remove(m).close();
        Sh.ok("ip", "netns", "del", ns(m));
        lost.add(m);
    }

    /** Per alive node, the host and pod addresses of other alive nodes it cannot ping now. */
    Map<String, List<String>> unreachable() {
        Map<String, CompletableFuture<String>> runs = new TreeMap<>();
        for (String src : alive()) {
            // One shell per source, pinging one address after the other: when the routes are in
            // place each answer takes a millisecond, and the lab stays at one process per node.
            StringBuilder script = new StringBuilder();
            for (String dst : alive()) {
                if (!dst.equals(src)) {
                    for (Ipv6Address a : List.of(block(dst).host(), podAddress(dst))) {
                        script.append("busybox ping -c1 -W1 ").append(a).append(" >/dev/null 2>&1 || echo ").append(a)
                                .append("; ");
                    }
                }
            }
            script.append("true");
            runs.put(src, CompletableFuture.supplyAsync(() ->
                    Sh.run(List.of("ip", "netns", "exec", ns(src), "busybox", "sh", "-c", script.toString())).output()));
        }
        Map<String, List<String>> out = new TreeMap<>();
        runs.forEach((src, f) -> {
            List<String> bad = Stream.of(f.join().split("\\s+")).filter(s -> !s.isBlank()).sorted().toList();
            if (!bad.isEmpty()) {
                out.put(src, bad);
            }
        });
        return out;
    }

    /** Polls until every alive node reaches every other; returns how long it took. */
    Duration awaitReachability(Duration timeout) {
        long t0 = System.nanoTime();
        Map<String, List<String>> bad = unreachable();
        while (!bad.isEmpty()) {
            if (System.nanoTime() - t0 > timeout.toNanos()) {
                throw new AssertionError(provider.name() + ": still unreachable after " + timeout.toSeconds() + " s: " + bad);
            }
            // A round with a node still unreachable already took a ping timeout (1 s).
            sleep(100);
            bad = unreachable();
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The route model of the whole mesh, nothing cut or lost: the tests take its what-ifs. */
    RouteModel model() {
        Map<String, NodeBlock> blocks = new LinkedHashMap<>();
        for (String m : machines()) {
            blocks.put(m, block(m));
        }
        return new RouteModel(topology, blocks, Map.of(), Map.of());
    }

    /** The machine whose host /128 or pods prefix {@code prefix} is. */
    private String owner(Ipv6Prefix prefix) {
        for (String m : machines()) {
            if (prefix.equals(new Ipv6Prefix(block(m).host(), 128)) || prefix.equals(block(m).pods())) {
                return m;
            }
        }
        throw new IllegalArgumentException("no machine owns " + prefix);
    }

    /** The ports of {@code src} on a shortest path to the nearest of {@code holders} (ECMP set). */
    Set<String> portsTowardsNearest(String src, Set<String> holders) {
        int best = holders.stream().mapToInt(h -> distance(src, h)).min().orElseThrow();
        Set<String> ports = new TreeSet<>();
        for (Cable c : liveCables(src)) {
            String next = c.other(src).machine();
            if (holders.stream().anyMatch(h -> distance(next, h) == best - 1)) {
                ports.add(port(c.a().machine().equals(src) ? c.a() : c.b()));
            }
        }
        return ports;
    }

    /** Adds ({@code add}) or removes an anycast /128 on the stub of {@code m}, without a prefix route as the agent adds it. */
    void anycast(String m, Ipv6Address address, boolean add) {
        if (add) {
            Sh.ok("ip", "-n", ns(m), "address", "add", address + "/128", "dev", STUB, "noprefixroute");
        } else {
            Sh.ok("ip", "-n", ns(m), "address", "del", address + "/128", "dev", STUB);
        }
    }

    /** Adds {@code address} to {@code m}'s stub for {@code seconds} (valid and preferred lifetime), as the agent does. */
    void anycastFor(String m, Ipv6Address address, int seconds) {
        Sh.ok("ip", "-n", ns(m), "address", "replace", address + "/128", "dev", STUB, "valid_lft", Integer.toString(seconds),
                "preferred_lft", Integer.toString(seconds), "noprefixroute");
    }

    /** The daemon's installed route to {@code prefix} as a port set (empty when there is none). */
    Set<String> installedPorts(String m, Ipv6Prefix prefix) {
        return daemons.get(m).installedRoutes().stream().filter(r -> r.destination().equals(prefix)).findFirst()
                .map(r -> (Set<String>) new TreeSet<>(r.nextHops().stream().map(NextHop::interfaceName).toList()))
                .orElse(Set.of());
    }

    /** The route the kernel chooses for {@code address} in {@code m}'s namespace ({@code ip -6 route get}). */
    String routeGet(String m, Ipv6Address address) {
        return Sh.run(List.of("ip", "-n", ns(m), "-6", "route", "get", address.toString())).output().trim();
    }

    /** The kernel's route to {@code address} in {@code m}'s namespace, as {@code ip -6 route get} prints it. */
    String kernelRoute(String m, Ipv6Address address) {
        return Sh.run(List.of("ip", "-n", ns(m), "-6", "route", "show", address + "/128")).output().trim();
    }

    private int distance(String from, String to) {
        Map<String, Integer> dist = new HashMap<>();
        ArrayDeque<String> queue = new ArrayDeque<>(List.of(from));
        dist.put(from, 0);
        while (!queue.isEmpty()) {
            String at = queue.poll();
            if (at.equals(to)) {
                return dist.get(at);
            }
            for (Cable c : liveCables(at)) {
                String next = c.other(at).machine();
                if (dist.putIfAbsent(next, dist.get(at) + 1) == null) {
                    queue.add(next);
                }
            }
        }
        return Integer.MAX_VALUE / 2;
    }

    private List<Cable> liveCables(String m) {
        return topology.cablesOf(m).stream().filter(c -> !down.contains(c) && !lost.contains(c.other(m).machine())).toList();
    }

    /** The daemon's installed routes to host and pods prefixes of any node, as prefix to port set. */
    Map<Ipv6Prefix, Set<String>> installed(String src) {
        Set<Ipv6Prefix> nodePrefixes = new LinkedHashSet<>();
        for (String m : machines()) {
            nodePrefixes.add(new Ipv6Prefix(block(m).host(), 128));
            nodePrefixes.add(block(m).pods());
        }
        Map<Ipv6Prefix, Set<String>> out = new TreeMap<>();
        for (Route r : daemons.get(src).installedRoutes()) {
            if (nodePrefixes.contains(r.destination())) {
                Set<String> ports = new TreeSet<>();
                for (NextHop h : r.nextHops()) {
                    if (h.via() == null || !h.via().isLinkLocal()) {
                        throw new AssertionError(src + ": next hop without a link-local gateway: " + r);
                    }
                    ports.add(h.interfaceName());
                }
                out.put(r.destination(), ports);
            }
        }
        return out;
    }

    /**
     * Polls until every alive node's installed routes to node prefixes are the prediction's:
     * the same destinations, and for a destination at most {@code exactWithin} cables away
     * exactly the predicted next-hop ports; farther away, a non-empty subset of them (every
     * installed next hop on a shortest path).
     */
    /** Every alive node's adjacencies as its daemon reports them, one line per node. */
    String adjacencies() {
        List<String> out = new ArrayList<>();
        for (String m : alive()) {
            try {
                out.add(m + ": " + daemons.get(m).neighbours());
            } catch (RuntimeException e) {
                out.add(m + ": cannot read its neighbours: " + e.getMessage());
            }
        }
        return String.join("\n", out);
    }

    /** What each of {@code machines}' daemons prints of itself, for a failure message. */
    String diagnostics(List<String> machines) {
        List<String> out = new ArrayList<>();
        for (String m : machines) {
            try {
                out.add("== " + m + " ==\n" + daemons.get(m).diagnostics());
            } catch (RuntimeException e) {
                out.add("== " + m + " == cannot read its daemon: " + e.getMessage());
            }
        }
        return String.join("\n", out);
    }

    private Map<String, Integer> repairs() {
        Map<String, Integer> out = new TreeMap<>();
        alive().forEach(m -> out.put(m, daemons.get(m).repairs()));
        return out;
    }

    void awaitRoutesMatch(RouteModel predicted, Duration timeout, int exactWithin) {
        long t0 = System.nanoTime();
        while (true) {
            List<String> mismatches = new ArrayList<>();
            List<String> off = new ArrayList<>();
            for (String m : alive()) {
                Map<Ipv6Prefix, Set<String>> want = new TreeMap<>();
                for (Route r : predicted.routes(m)) {
                    want.put(r.destination(), new TreeSet<>(r.nextHops().stream().map(NextHop::interfaceName).toList()));
                }
                Map<Ipv6Prefix, Set<String>> got = installed(m);
                if (!matches(predicted, m, want, got, exactWithin)) {
                    mismatches.add(m + ": predicted " + want + " installed " + got);
                    off.add(m);
                }
            }
            if (mismatches.isEmpty()) {
                return;
            }
            if (System.nanoTime() - t0 > timeout.toNanos()) {
                throw new AssertionError(provider.name() + ": installed routes differ from the model's prediction after "
                        + timeout.toSeconds() + " s:\n" + String.join("\n", mismatches) + "\nadjacencies then:\n" + adjacencies()
                        + "\nrepairs by the daemons' own audits: " + repairs() + "\nwhat the daemons off the prediction say:\n"
                        + diagnostics(off));
            }
            // One read of every node's routes takes a socket query (BIRD) or a vtysh run (FRR) per
            // node; a change lands within one SPF run, so a round every 200 ms is soon enough.
            sleep(200);
        }
    }

    private boolean matches(RouteModel predicted, String m, Map<Ipv6Prefix, Set<String>> want,
                            Map<Ipv6Prefix, Set<String>> got, int exactWithin) {
        if (!want.keySet().equals(got.keySet())) {
            return false;
        }
        for (Map.Entry<Ipv6Prefix, Set<String>> e : want.entrySet()) {
            Set<String> have = got.get(e.getKey());
            int distance = predicted.distance(m, owner(e.getKey())).orElseThrow();
            boolean ok = distance <= exactWithin ? have.equals(e.getValue())
                    : !have.isEmpty() && e.getValue().containsAll(have);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Powers {@code m} off: its daemon stops and its ports go down, so every neighbour loses carrier. */
    void powerOff(String m) {
        daemons.get(m).stop();
        setPorts(m, false);
        lost.add(m);
    }

    /** Powers {@code m} back on: ports up, a fresh daemon started. */
    void powerOn(String m) {
        setPorts(m, true);
        RoutingDaemon d = provider.create(nodeConfig(m));
        daemons.put(m, d);
        d.start();
        lost.remove(m);
    }

    private void setPorts(String m, boolean up) {
        List<String> lines = new ArrayList<>();
        for (Cable c : topology.cablesOf(m)) {
            lines.add("link set " + port(c.a().machine().equals(m) ? c.a() : c.b()) + (up ? " up" : " down"));
        }
        Sh.ipBatch(ns(m), lines);
    }

    /** Every IPv6 unicast route of the main table in {@code m}'s namespace, read over rtnetlink. */
    List<Route> kernelRoutes(String m) {
        try (Rtnetlink netlink = Rtnetlink.open(ns(m))) {
            return netlink.routes();
        }
    }

    /** Kernel routes in {@code m}'s namespace put there by a routing daemon (proto ospf or bird). */
    String daemonKernelRoutes(String m) {
        return Sh.ok("ip", "-n", ns(m), "-6", "route", "show", "proto", "ospf")
                + Sh.ok("ip", "-n", ns(m), "-6", "route", "show", "proto", "bird");
    }

    Path stateRoot() {
        return stateRoot;
    }

    @Override
    public void close() {
        if (Boolean.getBoolean("kmrd.keep")) {
            System.err.println("kmrd.keep: leaving " + stateRoot + " and the namespaces for inspection");
            return;
        }
        for (RoutingDaemon d : daemons.values()) {
            try {
                d.close();
            } catch (RuntimeException e) {
                System.err.println("closing " + d.config().nodeName() + ": " + e);
            }
        }
        daemons.clear();
        removeLeftovers();
        try (Stream<Path> files = Files.walk(stateRoot)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot remove " + stateRoot + ": " + e);
        }
    }

    /** Last resort after a failed run: processes left in one of this harness's namespaces. */
    private static void killInside(String ns) {
        for (String pid : Sh.run(List.of("ip", "netns", "pids", ns)).output().split("\\s+")) {
            if (!pid.isBlank()) {
                Sh.run(List.of("kill", "-9", pid.trim()));
            }
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
