package io.kubermesh.benchmarks.routing;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.RoutingSpec;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.daemon.NodeConfig;
import io.kubermesh.routing.daemon.RoutingDaemon;
import io.kubermesh.routing.daemon.RoutingDaemonProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * A benchmark lab: one network namespace {@code kmre-bI} per machine of a topology, veth cables,
 * an ifb stub with the node's host /128 (seed plan: 2001:db8::/71, block {@code P | mac << 9}),
 * this-end /126 addresses on the ports, and a routing daemon per node. The lab network is set up
 * with {@code ip} (a harness, not product code) and removed by {@link #close()}.
 */
final class NetnsMesh implements AutoCloseable {
    static final String NS_PREFIX = "kmre-b";
    private static final String STUB = "stub0";
    private static final Ipv6Address CLUSTER = Ipv6Address.parse("2001:db8::");

    private final Topology topology;
    private final RoutingDaemonProvider provider;
    private final Path stateRoot;
    private final Map<String, Integer> index = new LinkedHashMap<>();
    private final Map<String, RoutingDaemon> daemons = new LinkedHashMap<>();

    NetnsMesh(Topology topology, RoutingDaemonProvider provider) throws IOException {
        this.topology = topology;
        this.provider = provider;
        for (int i = 0; i < topology.machines().size(); i++) {
            index.put(topology.machines().get(i).name(), i);
        }
        stateRoot = Files.createTempDirectory("kmre-bench-" + provider.name() + "-");
        Files.setPosixFilePermissions(stateRoot, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    String ns(String m) {
        return NS_PREFIX + (index.get(m) + 1);
    }

    private long mac(String m) {
        return 0x5254_006b_0000L + index.get(m) + 1;
    }

    Ipv6Address host(String m) {
        return new Ipv6Address(CLUSTER.high(), CLUSTER.low() | (mac(m) << 9));
    }

    private Ipv6Address portAddress(String m, int port) {
        return host(m).plus(0x20 + 4L * port);
    }

    static String port(PortRef end) {
        return "cluster" + end.port();
    }

    List<String> machines() {
        return new ArrayList<>(index.keySet());
    }

    RoutingDaemon daemon(String m) {
        return daemons.get(m);
    }

    void build() {
        removeLeftovers();
        for (String m : machines()) {
            sh("ip", "netns", "add", ns(m));
            // No duplicate address detection on the ports, as the agent sets its mesh ports
            // (NodeNetwork.ensurePort); DAD=1 in the environment keeps the kernel's default, to
            // measure what the detection costs a new cable.
            String dad = "1".equals(System.getenv("DAD")) ? "1" : "0";
            sh("ip", "netns", "exec", ns(m), "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1",
                    "net.ipv6.conf.default.accept_dad=" + dad, "net.ipv6.conf.all.accept_dad=" + dad);
        }
        List<String> root = new ArrayList<>();
        for (Cable c : topology.cables()) {
            root.add("link add name " + port(c.a()) + " netns " + ns(c.a().machine()) + " type veth peer name "
                    + port(c.b()) + " netns " + ns(c.b().machine()));
        }
        batch(null, root);
        for (String m : machines()) {
            List<String> lines = new ArrayList<>(List.of("link set lo up", "link add " + STUB + " type ifb",
                    "link set " + STUB + " up", "address add " + host(m) + "/128 dev " + STUB));
            for (Cable c : topology.cablesOf(m)) {
                PortRef end = c.a().machine().equals(m) ? c.a() : c.b();
                lines.add("address add " + portAddress(m, end.port()) + "/126 dev " + port(end) + " preferred_lft 0");
                lines.add("link set " + port(end) + " up");
            }
            batch(ns(m), lines);
        }
    }

    /** Creates every daemon and starts them all in parallel. */
    void startAll() {
        startAll(machines());
    }

    /** Creates the daemons of {@code nodes} and starts them in parallel. */
    void startAll(List<String> nodes) {
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (String m : nodes) {
            List<String> ports = topology.cablesOf(m).stream().map(c -> port(c.a().machine().equals(m) ? c.a() : c.b()))
                    .toList();
            NodeConfig cfg = new NodeConfig(m, NodeConfig.routerIdFor(new MacAddress(mac(m))), ports, STUB,
                    Optional.of(ns(m)), stateRoot.resolve(m), RoutingSpec.DEFAULT);
            RoutingDaemon d = provider.create(cfg);
            daemons.put(m, d);
            starts.add(CompletableFuture.runAsync(d::start));
        }
        starts.forEach(CompletableFuture::join);
    }

    /** True when every node has an installed route to every other node's host /128. */
    boolean fullyRouted() {
        return fullyRouted(machines());
    }

    /** True when every node of {@code nodes} has an installed route to every other one's host /128. */
    boolean fullyRouted(List<String> nodes) {
        List<CompletableFuture<Boolean>> checks = new ArrayList<>();
        for (String m : nodes) {
            checks.add(CompletableFuture.supplyAsync(() -> {
                Set<Ipv6Prefix> have = new HashSet<>();
                for (Route r : daemons.get(m).installedRoutes()) {
                    have.add(r.destination());
                }
                return nodes.stream().filter(o -> !o.equals(m))
                        .allMatch(o -> have.contains(new Ipv6Prefix(host(o), 128)));
            }));
        }
        return checks.stream().allMatch(CompletableFuture::join);
    }

    /** Sets every port of {@code m} up or down (its neighbours see the carrier come or go). */
    void ports(String m, boolean up) {
        List<String> lines = new ArrayList<>();
        for (Cable c : topology.cablesOf(m)) {
            lines.add("link set " + port(c.a().machine().equals(m) ? c.a() : c.b()) + (up ? " up" : " down"));
        }
        batch(ns(m), lines);
    }

    /** Adds or removes an anycast /128 on the stub of {@code m}, as the anycast engine does on a verdict. */
    void anycast(String m, Ipv6Address address, boolean add) {
        sh("ip", "-n", ns(m), "address", add ? "add" : "del", address + "/128", "dev", STUB);
    }

    /** Cables on a shortest path from {@code from} to {@code to} (breadth-first search); -1 when unreachable. */
    int distance(String from, String to) {
        Map<String, Integer> dist = new LinkedHashMap<>();
        java.util.ArrayDeque<String> queue = new java.util.ArrayDeque<>(List.of(from));
        dist.put(from, 0);
        while (!queue.isEmpty()) {
            String at = queue.poll();
            for (Cable c : topology.cablesOf(at)) {
                String next = c.other(at).machine();
                if (dist.putIfAbsent(next, dist.get(at) + 1) == null) {
                    queue.add(next);
                }
            }
        }
        return dist.getOrDefault(to, -1);
    }

    /** Pings every other host once from every node; true when all answer. */
    boolean allPing() {
        List<CompletableFuture<Boolean>> runs = new ArrayList<>();
        for (String src : machines()) {
            StringBuilder script = new StringBuilder();
            for (String dst : machines()) {
                if (!dst.equals(src)) {
                    script.append("busybox ping -c1 -W1 ").append(host(dst)).append(" >/dev/null 2>&1 || echo x; ");
                }
            }
            script.append("true");
            runs.add(CompletableFuture.supplyAsync(() -> sh("ip", "netns", "exec", ns(src), "busybox", "sh", "-c",
                    script.toString()).isBlank()));
        }
        return runs.stream().allMatch(CompletableFuture::join);
    }

    void linkDown(PortRef end, boolean down) {
        sh("ip", "-n", ns(end.machine()), "link", "set", port(end), down ? "down" : "up");
    }

    void silence(PortRef end, boolean silent) {
        String op = silent ? "-I" : "-D";
        for (String[] rule : new String[][] {{"INPUT", "-i"}, {"OUTPUT", "-o"}, {"FORWARD", "-i"}, {"FORWARD", "-o"}}) {
            sh("ip", "netns", "exec", ns(end.machine()), "ip6tables", op, rule[0], rule[1], port(end), "-j", "DROP");
        }
    }

    /** Resident set size of one node's daemon processes, in KiB. */
    long rssKib(String m) {
        long total = 0;
        for (long pid : daemons.get(m).processIds()) {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                    if (line.startsWith("VmRSS:")) {
                        total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                // the process went away between the listing and the read
            }
        }
        return total;
    }

    @Override
    public void close() {
        daemons.values().forEach(RoutingDaemon::close);
        daemons.clear();
        removeLeftovers();
        try (Stream<Path> files = Files.walk(stateRoot)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("cannot remove " + stateRoot + ": " + e);
        }
    }

    static void removeLeftovers() {
        for (String line : sh("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0].trim();
            if (name.startsWith(NS_PREFIX)) {
                for (String pid : sh("ip", "netns", "pids", name).split("\\s+")) {
                    if (!pid.isBlank()) {
                        sh("kill", "-9", pid.trim());
                    }
                }
                sh("ip", "netns", "del", name);
            }
        }
    }

    static String sh(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void batch(String ns, List<String> lines) {
        try {
            List<String> cmd = ns == null ? List.of("ip", "-batch", "-") : List.of("ip", "-n", ns, "-batch", "-");
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().write((String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("ip -batch failed: " + out);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
