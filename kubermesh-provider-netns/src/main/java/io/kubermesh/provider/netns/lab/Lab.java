package io.kubermesh.provider.netns.lab;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.netns.NetnsSubstrate;
import io.kubermesh.provider.netns.NetnsSubstrateProvider;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.SubstrateConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The embedded lab: a mesh of network-namespace machines, each running {@code kubermesh agent},
 * grown from the gateway outwards. It lives in a directory ({@code /run/kubermesh/lab} by
 * default: like the namespaces themselves, it does not survive a reboot) so every CLI command
 * attaches to the same lab; {@link #down()} removes it all.
 *
 * <p>This class is the orchestration; {@link JoinWatch} waits for a machine to join,
 * {@link ReachabilityProbe} measures who reaches whom, {@link LabStatus} shows the machines, {@link PlugPlan} works out a plug or a
 * replacement, {@link LabRecord} and {@link LabDirectory} keep the lab's files.
 */
public final class Lab {
    public static final Path DEFAULT_DIRECTORY = Path.of("/run/kubermesh/lab");
    private static final int PORTS = Topology.DEFAULT_PORTS;
    private static final int AGENT_SECONDS = 90;
    private static final int ROUTES_SECONDS = 60;

    private final Path dir;
    private final NetnsSubstrate substrate;
    private final LabRecord record;
    private final AddressPlan plan;
    private final JoinWatch watch;
    private final LabStatus status;
    private final Consumer<String> progress;
    private final long started = System.nanoTime();

    private Lab(Path dir, NetnsSubstrate substrate, LabRecord record, AddressPlan plan, List<String> agentCommand,
                Consumer<String> progress) {
        this.dir = dir;
        this.substrate = substrate;
        this.record = record;
        this.plan = plan;
        this.progress = progress;
        this.watch = new JoinWatch(substrate, this::stateDirectory);
        this.status = new LabStatus(substrate, record, plan, this::stateDirectory);
        substrate.onPowerOn(new AgentLauncher(dir.resolve(LabDirectory.CLUSTER_FILE), this::stateDirectory, agentCommand));
    }

    /** Creates a new lab in {@code dir}; fails if one is there. {@code clusterYaml} is the cluster file's text. */
    public static Lab create(Path dir, String clusterYaml, List<String> agentCommand, Consumer<String> progress) {
        new NetnsSubstrateProvider().checkEnvironment();
        if (exists(dir)) {
            throw new SubstrateException("a lab is already up in " + dir + "; `kubermesh down` removes it");
        }
        var spec = ClusterConfig.parse(clusterYaml, LabDirectory.CLUSTER_FILE);
        LabDirectory.create(dir, clusterYaml);
        LabRecord record = new LabRecord();
        record.write(dir);
        return new Lab(dir, substrate(dir, spec), record, new AddressPlan(spec), agentCommand, progress);
    }

    /** The lab already up in {@code dir}. */
    public static Lab attach(Path dir, List<String> agentCommand, Consumer<String> progress) {
        new NetnsSubstrateProvider().checkEnvironment();
        LabRecord record = LabRecord.read(dir);
        if (record == null) {
            throw new SubstrateException("no lab is up in " + dir + "; `kubermesh up` starts one");
        }
        var spec = ClusterConfig.load(dir.resolve(LabDirectory.CLUSTER_FILE));
        return new Lab(dir, substrate(dir, spec), record, new AddressPlan(spec), agentCommand, progress);
    }

    private static NetnsSubstrate substrate(Path dir, io.kubermesh.api.ClusterSpec spec) {
        return (NetnsSubstrate) new NetnsSubstrateProvider()
                .create(new SubstrateConfig(spec, dir, Map.of("netns.prefix", "km" + spec.name() + "-")));
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
        return LabDirectory.stateDirectory(dir, machine);
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
        for (String name : BootOrder.of(topology)) {
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
        r.poweredOn = Instant.now().toString();
        record.write(dir);
        substrate.powerOn(name);
        say(name + ": powered on, starting its agent");
        NodeStatus agent = watch.awaitAgent(name, AGENT_SECONDS);
        say(name + ": agent running (identity " + agent.identity() + "), waiting for routes");
        LabRecord.MachineRecord gateway = record.machines.get(Topology.GATEWAY);
        if (!name.equals(Topology.GATEWAY) && gateway != null && "joined".equals(gateway.state)) {
            watch.awaitReachable(name, agent.host(), Topology.GATEWAY, host(Topology.GATEWAY), ROUTES_SECONDS);
        }
        r.state = "joined";
        r.joinSeconds = (System.nanoTime() - t0) / 1e9;
        record.write(dir);
        say(String.format("%s: joined in %.1f s (host %s)", name, r.joinSeconds, host(name)));
    }

    /** The last lines of a machine's console, for error messages (the lab may be torn down next). */
    public String consoleTail(String machine, int lines) {
        return watch.consoleTail(machine, lines);
    }

    /** The host address of a machine: from its identity, as its agent reports it or as the rule picks it. */
    public String host(String machine) {
        return status.host(machine);
    }

    /** Every machine with what its agent reports. */
    public List<MachineView> status() {
        return status.machines();
    }

    /**
     * Predicted beside installed routes of {@code from} (every powered machine when empty), one
     * entry per destination; see {@link LabRoutes}.
     */
    public List<RouteComparison> routes(Optional<String> from) {
        return new LabRoutes(substrate, plan, status).compare(from);
    }

    /** When a machine was last powered on: its console's timestamps count from there. */
    public Optional<Instant> poweredOnAt(String machine) {
        return Optional.ofNullable(record.machines.get(machine)).map(r -> r.poweredOn)
                .map(Instant::parse);
    }

    /** Join times, in seconds, by machine. */
    public Map<String, Double> joinTimes() {
        Map<String, Double> out = new LinkedHashMap<>();
        record.machines.values().forEach(r -> out.put(r.name, r.joinSeconds));
        return out;
    }

    /** Who reaches whom among the powered machines: one ICMPv6 echo per ordered pair of host addresses. */
    public Map<String, Map<String, Boolean>> reachability() {
        return ReachabilityProbe.matrix(probeTargets());
    }

    /** As {@link #reachability()}, asking again for up to {@code settleSeconds} while a pair fails. */
    public Map<String, Map<String, Boolean>> reachability(int settleSeconds) {
        return ReachabilityProbe.settle(this::probeTargets, settleSeconds);
    }

    /** The powered machines (off and gone ones are left out) as the probe needs them. */
    public List<ReachabilityProbe.Target> probeTargets() {
        return status().stream().filter(m -> !m.state().equals("off") && !m.state().equals("gone"))
                .map(m -> new ReachabilityProbe.Target(m.name(), m.netns(), m.host())).toList();
    }

    /** Removes the cable between machines {@code a} and {@code b}, remembering it for {@link #join}. */
    public void cut(String a, String b) {
        Cable c = substrate.topology().cables().stream().filter(x -> x.touches(a) && x.touches(b)).findFirst()
                .orElseThrow(() -> new SubstrateException("there is no cable between " + a + " and " + b));
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

    /** Shuts a machine down in order (SIGTERM, up to {@code graceMillis}), then powers it off. */
    public void shutdown(String machine, long graceMillis) {
        substrate.shutdown(machine, graceMillis);
        LabRecord.MachineRecord r = record.machines.get(machine);
        if (r != null) {
            r.state = "off";
            record.write(dir);
        }
        say(machine + ": shut down");
    }

    public void revive(String machine) {
        bringUp(machine);
    }

    /**
     * A new blank machine cabled to the given ports (see {@link PlugPlan}: a free port when none
     * is given; a port of a powered-off machine is taken over, and a dead machine left with no
     * cable is gone: its namespace is removed and status lists it as {@code gone}). It joins like
     * the others.
     */
    public String plug(List<PortRef> to) {
        PlugPlan p = PlugPlan.of(substrate.topology(), substrate.machines(), to, PORTS);
        for (Cable c : p.cablesToCut()) {
            substrate.cut(c.a(), c.b());
        }
        for (String dead : p.gone()) {
            substrate.removeMachine(dead);
            record.machines.get(dead).state = "gone";
            record.write(dir);
            say(dead + ": gone (replaced)");
        }
        String name = "kubermesh" + record.machines.size();
        while (record.machines.containsKey(name)) {
            name = name + "x";
        }
        addMachine(name, true);
        int port = 0;
        for (PortRef there : p.targets()) {
            substrate.cable(new PortRef(name, port++), there);
        }
        bringUp(name);
        return name;
    }

    /** Tears the lab down: every agent, namespace, link and file. */
    public void down() {
        substrate.close();
        LabDirectory.remove(dir);
    }

    private void say(String line) {
        progress.accept(String.format("[%6.1fs] %s", (System.nanoTime() - started) / 1e9, line));
    }
}
