package io.kubermesh.provider.netns.lab;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.agent.StatusEndpoint;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.netns.NetnsSubstrate;
import io.kubermesh.provider.netns.NetnsSubstrateProvider;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.SubstrateConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The embedded lab: a mesh of network-namespace machines, each running {@code kubermesh agent},
 * grown from the gateway outwards. It lives in a directory ({@code /run/kubermesh/lab} by
 * default: like the namespaces themselves, it does not survive a reboot) so every CLI command
 * attaches to the same lab; {@link #down()} removes it all.
 */
public final class Lab {
    public static final Path DEFAULT_DIRECTORY = Path.of("/run/kubermesh/lab");
    static final String CLUSTER_FILE = "cluster.yaml";
    private static final int PORTS = Topology.DEFAULT_PORTS;

    private final Path dir;
    private final NetnsSubstrate substrate;
    private final LabRecord record;
    private final AddressPlan plan;
    private final Consumer<String> progress;
    private final long started = System.nanoTime();

    private Lab(Path dir, NetnsSubstrate substrate, LabRecord record, AddressPlan plan, List<String> agentCommand,
                Consumer<String> progress) {
        this.dir = dir;
        this.substrate = substrate;
        this.record = record;
        this.plan = plan;
        this.progress = progress;
        substrate.onPowerOn(new AgentLauncher(dir.resolve(CLUSTER_FILE), this::stateDirectory, agentCommand));
    }

    /** Creates a new lab in {@code dir}; fails if one is there. {@code clusterYaml} is the cluster file's text. */
    public static Lab create(Path dir, String clusterYaml, List<String> agentCommand, Consumer<String> progress) {
        new NetnsSubstrateProvider().checkEnvironment();
        if (Files.exists(dir.resolve(LabRecord.FILE))) {
            throw new SubstrateException("a lab is already up in " + dir + "; `kubermesh down` removes it");
        }
        var spec = ClusterConfig.parse(clusterYaml, CLUSTER_FILE);
        requireTraversable(dir.toAbsolutePath());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(CLUSTER_FILE), clusterYaml);
        } catch (IOException e) {
            throw new SubstrateException("cannot create the lab directory " + dir + ": " + e.getMessage(), e);
        }
        NetnsSubstrate substrate = (NetnsSubstrate) new NetnsSubstrateProvider()
                .create(new SubstrateConfig(spec, dir, Map.of("netns.prefix", "km" + spec.name() + "-")));
        LabRecord record = new LabRecord();
        record.write(dir);
        return new Lab(dir, substrate, record, new AddressPlan(spec), agentCommand, progress);
    }

    /** The lab already up in {@code dir}. */
    public static Lab attach(Path dir, List<String> agentCommand, Consumer<String> progress) {
        new NetnsSubstrateProvider().checkEnvironment();
        LabRecord record = LabRecord.read(dir);
        if (record == null) {
            throw new SubstrateException("no lab is up in " + dir + "; `kubermesh up` starts one");
        }
        var spec = ClusterConfig.load(dir.resolve(CLUSTER_FILE));
        NetnsSubstrate substrate = (NetnsSubstrate) new NetnsSubstrateProvider()
                .create(new SubstrateConfig(spec, dir, Map.of("netns.prefix", "km" + spec.name() + "-")));
        return new Lab(dir, substrate, record, new AddressPlan(spec), agentCommand, progress);
    }

    /**
     * The routing daemons drop root for their own user (frr), so they must be able to reach their
     * state under the lab directory: every existing ancestor needs o+x.
     */
    private static void requireTraversable(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                var perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new io.kubermesh.api.ConfigurationException("--lab", dir.toString(),
                            "a directory the routing daemons' user can reach; " + p + " is not searchable by others ("
                                    + java.nio.file.attribute.PosixFilePermissions.toString(perms) + "): chmod o+x " + p
                                    + " or choose another --lab");
                }
            } catch (IOException e) {
                throw new SubstrateException("cannot check " + p + ": " + e.getMessage(), e);
            }
        }
    }

    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(LabRecord.FILE));
    }

    public AddressPlan plan() {
        return plan;
    }

    public NetnsSubstrate substrate() {
        return substrate;
    }

    Path stateDirectory(String machine) {
        return dir.resolve("machines").resolve(machine).resolve("state");
    }

    /**
     * Builds {@code topology}: every machine and cable, then powers machines on from the gateway
     * outwards (breadth first), each once its neighbour towards the gateway has joined.
     */
    public void up(Topology topology) {
        for (Topology.Machine m : topology.machines()) {
            addMachine(m.name(), !m.name().equals(Topology.GATEWAY));
        }
        for (Cable c : topology.cables()) {
            substrate.cable(c.a(), c.b());
        }
        for (String name : bootOrder(topology)) {
            bringUp(name);
        }
    }

    private void addMachine(String name, boolean netboot) {
        int serial = record.nextSerial++;
        List<MacAddress> nics = new ArrayList<>();
        for (int p = 0; p < PORTS; p++) {
            // 52:54:00 (a locally administered prefix) + 16-bit serial + port: unique in the lab, never reused.
            nics.add(new MacAddress(0x5254_0000_0000L | ((long) (serial & 0xFFFF) << 8) | p));
        }
        substrate.addMachine(new MachineSpec(name, nics, netboot));
        LabRecord.MachineRecord r = new LabRecord.MachineRecord();
        r.name = name;
        r.serial = serial;
        r.state = "off";
        record.machines.put(name, r);
        record.write(dir);
        say(name + ": added (" + nics.get(0) + " ..., " + PORTS + " ports)");
    }

    private void bringUp(String name) {
        long t0 = System.nanoTime();
        LabRecord.MachineRecord r = record.machines.get(name);
        r.state = "booting";
        record.write(dir);
        substrate.powerOn(name);
        say(name + ": powered on, starting its agent");
        NodeStatus status = awaitAgent(name, 90);
        say(name + ": agent running (identity " + status.identity() + "), waiting for routes");
        awaitRoutes(name, status.host(), 60);
        r.state = "joined";
        r.joinSeconds = (System.nanoTime() - t0) / 1e9;
        record.write(dir);
        say(String.format("%s: joined in %.1f s (host %s)", name, r.joinSeconds, host(name)));
    }

    private NodeStatus awaitAgent(String name, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        KubermeshException last = null;
        while (System.nanoTime() < deadline) {
            try {
                NodeStatus s = StatusEndpoint.read(stateDirectory(name));
                if ("running".equals(s.state())) {
                    return s;
                }
            } catch (KubermeshException e) {
                last = e;
            }
            sleep(200);
        }
        throw new SubstrateException(name + ": its agent did not answer within " + seconds + " s ("
                + (last == null ? "not running" : last.getMessage()) + "); its console ends with:\n"
                + consoleTail(name, 25));
    }

    /** The last lines of a machine's console, for error messages (the lab may be torn down next). */
    public String consoleTail(String machine, int lines) {
        try {
            List<String> all = Files.readAllLines(substrate.consoleLog(machine));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no console: " + e.getMessage() + ")";
        }
    }

    /**
     * Joined means reachable: the machine reaches the gateway's host address and the gateway
     * reaches the machine's (the IGP has converged both ways).
     */
    private void awaitRoutes(String name, String host, int seconds) {
        if (name.equals(Topology.GATEWAY) || record.machines.get(Topology.GATEWAY) == null
                || !"joined".equals(record.machines.get(Topology.GATEWAY).state)) {
            return;
        }
        String gatewayHost = host(Topology.GATEWAY);
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (ping(substrate.namespace(name), gatewayHost) && ping(substrate.namespace(Topology.GATEWAY), host)) {
                return;
            }
            sleep(100);
        }
        throw new SubstrateException(name + ": no route between it and the gateway after " + seconds
                + " s; its console ends with:\n" + consoleTail(name, 25));
    }

    private static List<String> bootOrder(Topology t) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        String first = t.machine(Topology.GATEWAY).map(Topology.Machine::name).orElse(t.machines().get(0).name());
        queue.add(first);
        seen.add(first);
        while (!queue.isEmpty()) {
            String m = queue.poll();
            for (Cable c : t.cablesOf(m)) {
                String n = c.other(m).machine();
                if (seen.add(n)) {
                    queue.add(n);
                }
            }
        }
        t.machines().forEach(m -> seen.add(m.name()));
        return new ArrayList<>(seen);
    }

    /** The host address a machine's identity gives it: its first NIC's MAC in the lab. */
    public String host(String machine) {
        return substrate.machines().stream().filter(m -> m.name().equals(machine)).findFirst()
                .map(m -> identityOf(machine, m)).map(mac -> plan.host(mac).toString()).orElse("-");
    }

    private MacAddress identityOf(String machine, MachineStatus m) {
        try {
            return MacAddress.parse(StatusEndpoint.read(stateDirectory(machine)).identity());
        } catch (RuntimeException e) {
            // Not running: the rule picks the lowest MAC, which in the lab is port 0's.
            return m.nics().stream().min(MacAddress::compareTo).orElseThrow();
        }
    }

    /** Every machine with what its agent reports. */
    public List<MachineView> status() {
        Topology t = substrate.topology();
        List<MachineView> out = new ArrayList<>();
        for (MachineStatus m : substrate.machines()) {
            List<MachineView.PortView> ports = new ArrayList<>();
            for (Cable c : t.cablesOf(m.name())) {
                PortRef mine = c.a().machine().equals(m.name()) ? c.a() : c.b();
                ports.add(new MachineView.PortView(mine.port(), "cluster" + mine.port(), c.other(m.name()).toString()));
            }
            Optional<NodeStatus> s = Optional.empty();
            if (m.powered()) {
                try {
                    s = Optional.of(StatusEndpoint.read(stateDirectory(m.name())));
                } catch (KubermeshException e) {
                    s = Optional.empty();
                }
            }
            LabRecord.MachineRecord r = record.machines.get(m.name());
            String state = !m.powered() ? "off" : s.isEmpty() ? "unreachable" : r == null ? "running" : r.state;
            MacAddress id = identityOf(m.name(), m);
            out.add(new MachineView(m.name(), state, id.toString(), plan.host(id).toString(), plan.block(id).toString(),
                    ports, s.map(NodeStatus::anycast).orElse(List.of()), substrate.namespace(m.name()),
                    s.map(NodeStatus::etcd).orElse(null), s.map(NodeStatus::ipv4).orElse(null)));
        }
        record.machines.values().stream().filter(r -> "gone".equals(r.state)).forEach(r -> out.add(
                new MachineView(r.name, "gone", "-", "-", "-", List.of(), List.of(), "-")));
        return out;
    }

    /** Join times, in seconds, by machine. */
    public Map<String, Double> joinTimes() {
        Map<String, Double> out = new java.util.LinkedHashMap<>();
        record.machines.values().forEach(r -> out.put(r.name, r.joinSeconds));
        return out;
    }

    /**
     * Who reaches whom: from every powered machine, one ICMPv6 echo (1 s timeout) to every other
     * machine's host address, all at once.
     */
    public Map<String, Map<String, Boolean>> reachability() {
        return reachability(0);
    }

    /** As {@link #reachability()}, asking again for up to {@code settleSeconds} while a pair fails. */
    public Map<String, Map<String, Boolean>> reachability(int settleSeconds) {
        long deadline = System.nanoTime() + settleSeconds * 1_000_000_000L;
        while (true) {
            Map<String, Map<String, Boolean>> m = reachabilityOnce();
            boolean all = m.values().stream().allMatch(row -> row.values().stream().allMatch(Boolean::booleanValue));
            if (all || System.nanoTime() >= deadline) {
                return m;
            }
            sleep(500);
        }
    }

    private Map<String, Map<String, Boolean>> reachabilityOnce() {
        List<MachineView> machines = status().stream().filter(m -> !m.state().equals("off") && !m.state().equals("gone"))
                .toList();
        Map<String, Map<String, Boolean>> out = new java.util.TreeMap<>();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            Map<String, Map<String, java.util.concurrent.Future<Boolean>>> pending = new java.util.TreeMap<>();
            for (MachineView from : machines) {
                for (MachineView to : machines) {
                    if (!from.name().equals(to.name())) {
                        pending.computeIfAbsent(from.name(), k -> new java.util.TreeMap<>()).put(to.name(),
                                pool.submit(() -> ping(from.netns(), to.host())));
                    }
                }
            }
            for (var e : pending.entrySet()) {
                for (var f : e.getValue().entrySet()) {
                    out.computeIfAbsent(e.getKey(), k -> new java.util.TreeMap<>()).put(f.getKey(), f.getValue().get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new KubermeshException("reachability check failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    private static boolean ping(String netns, String address) {
        try {
            Process p = new ProcessBuilder("nsenter", "--net=" + io.kubermesh.routing.netlink.NetworkNamespaces.path(netns), "--",
                    "ping", "-6", "-n", "-q", "-c", "1", "-W", "1", address)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            throw new io.kubermesh.api.EnvironmentException("cannot run ping: " + e.getMessage(), "apt-get install -y iputils-ping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Removes the cable between machines {@code a} and {@code b}, remembering it for {@link #join}. */
    public void cut(String a, String b) {
        Cable c = cableBetween(substrate.topology(), a, b).orElseThrow(() ->
                new SubstrateException("there is no cable between " + a + " and " + b));
        substrate.cut(c.a(), c.b());
        LabRecord.CutCable cut = new LabRecord.CutCable();
        cut.a = c.a().machine();
        cut.aPort = c.a().port();
        cut.b = c.b().machine();
        cut.bPort = c.b().port();
        record.cut.add(cut);
        record.write(dir);
        say("cut " + c);
    }

    /** Restores a cable that {@link #cut} removed. */
    public void join(String a, String b) {
        LabRecord.CutCable c = record.cut.stream().filter(x -> (x.a.equals(a) && x.b.equals(b)) || (x.a.equals(b) && x.b.equals(a)))
                .findFirst().orElseThrow(() -> new SubstrateException("no cut cable between " + a + " and " + b
                        + " to join; cut ones: " + record.cut.stream().map(x -> x.a + "-" + x.b).toList()));
        substrate.cable(new PortRef(c.a, c.aPort), new PortRef(c.b, c.bPort));
        record.cut.remove(c);
        record.write(dir);
        say("joined " + c.a + ":" + c.aPort + "-" + c.b + ":" + c.bPort);
    }

    public void kill(String machine) {
        substrate.powerOff(machine);
        LabRecord.MachineRecord r = record.machines.get(machine);
        if (r != null) {
            r.state = "off";
            record.write(dir);
        }
        say(machine + ": powered off");
    }

    public void revive(String machine) {
        bringUp(machine);
    }

    /**
     * A new blank machine cabled to the given ports (a free port of the named machine when no
     * port is given); it joins like the others. A port still cabled to a machine that is powered
     * off is taken over: that is how a dead machine is replaced. A dead machine left with no cable
     * is gone: its namespace is removed and status lists it as {@code gone}.
     */
    public String plug(List<PortRef> to) {
        if (to.isEmpty()) {
            throw new SubstrateException("plug needs at least one --to NODE[:PORT]");
        }
        List<PortRef> targets = new ArrayList<>();
        Set<String> replaced = new LinkedHashSet<>();
        for (PortRef target : to) {
            MachineStatus m = substrate.machines().stream().filter(x -> x.name().equals(target.machine())).findFirst()
                    .orElseThrow(() -> new SubstrateException("there is no machine " + target.machine() + " to plug into"));
            PortRef there = target.port() >= 0 ? target : new PortRef(m.name(), freePort(m.name()));
            Optional<Cable> existing = substrate.topology().cablesOf(there.machine()).stream()
                    .filter(c -> c.a().equals(there) || c.b().equals(there)).findFirst();
            if (existing.isPresent()) {
                PortRef far = existing.get().a().equals(there) ? existing.get().b() : existing.get().a();
                boolean farOff = substrate.machines().stream().anyMatch(x -> x.name().equals(far.machine()) && !x.powered());
                if (!farOff) {
                    throw new SubstrateException("port " + there + " is cabled to " + far + ", which is running; cut it first");
                }
                substrate.cut(existing.get().a(), existing.get().b());
                replaced.add(far.machine());
            }
            targets.add(there);
        }
        for (String dead : replaced) {
            if (substrate.topology().cablesOf(dead).isEmpty()) {
                substrate.removeMachine(dead);
                record.machines.get(dead).state = "gone";
                record.write(dir);
                say(dead + ": gone (replaced)");
            }
        }
        String name = "kubermesh" + record.machines.size();
        while (record.machines.containsKey(name)) {
            name = name + "x";
        }
        addMachine(name, true);
        int port = 0;
        for (PortRef there : targets) {
            substrate.cable(new PortRef(name, port++), there);
        }
        bringUp(name);
        return name;
    }

    private int freePort(String machine) {
        Topology t = substrate.topology();
        Set<Integer> used = new java.util.HashSet<>();
        t.cablesOf(machine).forEach(c -> used.add(c.a().machine().equals(machine) ? c.a().port() : c.b().port()));
        for (int p = 0; p < PORTS; p++) {
            if (!used.contains(p)) {
                return p;
            }
        }
        throw new SubstrateException(machine + " has no free port (all " + PORTS + " are cabled)");
    }

    private static Optional<Cable> cableBetween(Topology t, String a, String b) {
        return t.cables().stream().filter(c -> c.touches(a) && c.touches(b)).findFirst();
    }

    /** Tears the lab down: every agent, namespace, link and file. */
    public void down() {
        substrate.close();
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new SubstrateException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    private void say(String line) {
        progress.accept(String.format("[%6.1fs] %s", (System.nanoTime() - started) / 1e9, line));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted", e);
        }
    }
}
