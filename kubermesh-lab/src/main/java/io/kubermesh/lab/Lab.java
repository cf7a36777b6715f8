package io.kubermesh.lab;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A lab: a mesh of machines on any substrate, each running {@code kubermesh agent}, grown from
 * the gateway outwards. It is written only against the SPI: machines, cables and power come from
 * the {@link Substrate}; what a running machine knows (its status, its routes, whom it reaches)
 * comes from its agent, over the channel the substrate opens to it. It lives in a directory
 * ({@code /run/kubermesh/lab} by default) so every CLI command attaches to the same lab; the
 * directory records which substrate provider built it. {@link #down()} removes it all.
 *
 * <p>This class is the orchestration; {@link JoinWatch} waits for a machine to join,
 * {@link ReachabilityProbe} measures who reaches whom, {@link LabStatus} shows the machines,
 * {@link PlugPlan} works out a plug or a replacement, {@link LabRecord} and {@link LabDirectory}
 * keep the lab's files.
 */
public final class Lab {
    public static final Path DEFAULT_DIRECTORY = Path.of("/run/kubermesh/lab");
    private static final int PORTS = Topology.DEFAULT_PORTS;
    private static final int ROUTES_SECONDS = 60;

    private final Path dir;
    private final Substrate substrate;
    private final String clusterYaml;
    private final LabRecord record;
    private final AddressPlan plan;
    private final MachineAgents agents;
    private final JoinWatch watch;
    private final LabStatus status;
    private final Consumer<String> progress;
    private final long started = System.nanoTime();

    private Lab(Path dir, Substrate substrate, String clusterYaml, LabRecord record, AddressPlan plan,
                Consumer<String> progress) {
        this.dir = dir;
        this.substrate = substrate;
        this.clusterYaml = clusterYaml;
        this.record = record;
        this.plan = plan;
        this.progress = progress;
        this.agents = new MachineAgents(substrate);
        this.watch = new JoinWatch(substrate, agents);
        this.status = new LabStatus(substrate, agents, record, plan);
    }

    /**
     * Creates a new lab in {@code dir} on a substrate of {@code provider}; fails if one is there.
     *
     * @param clusterYaml the cluster file's text
     * @param options the provider's options ({@link SubstrateConfig#options()}), kept for later commands
     */
    public static Lab create(Path dir, String clusterYaml, SubstrateProvider provider, Map<String, String> options,
                             Consumer<String> progress) {
        provider.checkEnvironment();
        if (exists(dir)) {
            throw new SubstrateException("a lab is already up in " + dir + "; `kubermesh down` removes it");
        }
        ClusterSpec spec = ClusterConfig.parse(clusterYaml, LabDirectory.CLUSTER_FILE);
        LabDirectory.create(dir, clusterYaml);
        LabRecord record = new LabRecord();
        record.substrate = provider.name();
        record.options = new LinkedHashMap<>(options);
        record.write(dir);
        Substrate substrate;
        try {
            substrate = provider.create(new SubstrateConfig(spec, dir, options));
        } catch (RuntimeException e) {
            LabDirectory.remove(dir);
            throw e;
        }
        return new Lab(dir, substrate, clusterYaml, record, new AddressPlan(spec), progress);
    }

    /** The lab already up in {@code dir}, on a substrate of the provider that built it, found in {@code providers}. */
    public static Lab attach(Path dir, SubstrateProviders providers, Consumer<String> progress) {
        LabRecord record = read(dir);
        return attach(dir, record, providers.named(record.substrate), progress);
    }

    /** The lab already up in {@code dir}, on a substrate of {@code provider} (which must be the one that built it). */
    public static Lab attach(Path dir, SubstrateProvider provider, Consumer<String> progress) {
        return attach(dir, read(dir), provider, progress);
    }

    private static Lab attach(Path dir, LabRecord record, SubstrateProvider provider, Consumer<String> progress) {
        if (!provider.name().equals(record.substrate)) {
            throw new SubstrateException("the lab in " + dir + " runs on " + record.substrate + ", not " + provider.name());
        }
        provider.checkEnvironment();
        String yaml = LabDirectory.clusterYaml(dir);
        ClusterSpec spec = ClusterConfig.parse(yaml, dir.resolve(LabDirectory.CLUSTER_FILE).toString());
        Substrate substrate = provider.create(new SubstrateConfig(spec, dir, record.options));
        return new Lab(dir, substrate, yaml, record, new AddressPlan(spec), progress);
    }

    private static LabRecord read(Path dir) {
        LabRecord record = LabRecord.read(dir);
        if (record == null) {
            throw new SubstrateException("no lab is up in " + dir + "; `kubermesh up` starts one");
        }
        return record;
    }

    public static boolean exists(Path dir) {
        return Files.exists(dir.resolve(LabRecord.FILE));
    }

    public AddressPlan plan() {
        return plan;
    }

    public Substrate substrate() {
        return substrate;
    }

    /** The name of the substrate provider the lab runs on. */
    public String substrateName() {
        return record.substrate;
    }

    /**
     * Builds {@code topology}: every machine and cable; the gateway is deployed (it starts the
     * etcd cluster), the others are blank and network-boot; then machines power on from the
     * gateway outwards one neighbour ring at a time ({@link BootOrder}): the machines of a ring
     * together, once every machine of the ring before has joined.
     */
    public void up(Topology topology) {
        substrate.preflight();
        substrate.prepare(line -> say(line));
        for (Topology.Machine m : topology.machines()) {
            addMachine(m.name(), !m.name().equals(Topology.GATEWAY));
        }
        for (Cable c : topology.cables()) {
            substrate.cable(c.a(), c.b());
        }
        if (topology.machine(Topology.GATEWAY).isPresent()) {
            substrate.deploy(Topology.GATEWAY, new Deployment(clusterYaml, true));
        }
        for (List<String> ring : BootOrder.layers(topology)) {
            bringUpTogether(ring);
        }
    }

    /**
     * Builds the site the substrate gives ({@link Substrate#site()}: real machines and the cables a
     * person laid): adds its machines with their own NICs, accepts its cables, deploys the gateway
     * and powers the others on from it outwards, one neighbour ring at a time, as {@link #up} does.
     * The gateway must be called {@value Topology#GATEWAY}; a machine that does not come up within
     * the substrate's boot time-out fails {@code up} with the last boot step its console showed.
     */
    public void upSite() {
        io.kubermesh.spi.SiteLayout site = substrate.site().orElseThrow(() -> new SubstrateException(
                "the " + record.substrate + " substrate has no site of its own; give a topology"));
        MachineSpec first = site.machines().stream().filter(m -> !m.netboot()).findFirst().orElseThrow();
        if (!first.name().equals(Topology.GATEWAY)) {
            throw new SubstrateException("the site's machine deployed from this host is " + first.name() + "; name it "
                    + Topology.GATEWAY + " in the site inventory (the lab calls the first machine so)");
        }
        substrate.preflight();
        substrate.prepare(line -> say(line));
        for (MachineSpec m : site.machines()) {
            addMachine(m);
        }
        for (Cable c : site.cables()) {
            substrate.cable(c.a(), c.b());
        }
        substrate.deploy(Topology.GATEWAY, new Deployment(clusterYaml, true));
        for (List<String> ring : BootOrder.layers(site.topology())) {
            bringUpTogether(ring);
        }
    }

    /**
     * Powers the machines of one neighbour ring on together and returns once all have joined;
     * when some fail, the others are still waited for, then the first failure is thrown with the
     * others' errors added.
     */
    private void bringUpTogether(List<String> ring) {
        if (ring.size() == 1) {
            bringUp(ring.get(0));
            return;
        }
        say("powering on together: " + String.join(", ", ring));
        List<Thread> threads = new ArrayList<>();
        List<RuntimeException> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (String name : ring) {
            Thread t = new Thread(() -> {
                try {
                    bringUp(name);
                } catch (RuntimeException e) {
                    failures.add(e);
                }
            }, "bring-up-" + name);
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            try {
                t.join();
            } catch (InterruptedException e) {
                threads.forEach(Thread::interrupt);
                Thread.currentThread().interrupt();
                throw new SubstrateException("interrupted while " + ring + " were coming up");
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.get(0);
            failures.subList(1, failures.size()).forEach(first::addSuppressed);
            throw first;
        }
    }

    private void addMachine(String name, boolean netboot) {
        int serial = record.nextSerial;
        List<MacAddress> nics = new ArrayList<>();
        for (int p = 0; p < PORTS; p++) {
            // 52:54:00 (a locally administered prefix) + 16-bit serial + port: unique in the lab, never reused.
            nics.add(new MacAddress(0x5254_0000_0000L | ((long) (serial & 0xFFFF) << 8) | p));
        }
        addMachine(new MachineSpec(name, nics, netboot));
    }

    private void addMachine(MachineSpec spec) {
        int serial = record.nextSerial++;
        substrate.addMachine(spec);
        LabRecord.MachineRecord r = new LabRecord.MachineRecord();
        r.name = spec.name();
        r.serial = serial;
        r.state = "off";
        record.machines.put(spec.name(), r);
        record.write(dir);
        say(spec.name() + ": added (" + spec.nics().get(0) + (spec.nics().size() > 1 ? " ..., " : ", ") + spec.nics().size()
                + (spec.nics().size() == 1 ? " port)" : " ports)"));
    }

    private void bringUp(String name) {
        long t0 = System.nanoTime();
        LabRecord.MachineRecord r = record.machines.get(name);
        synchronized (record) {
            r.state = "booting";
            r.poweredOn = Instant.now().toString();
            record.write(dir);
        }
        List<String> consoleBefore = watch.consoleBefore(name);
        substrate.powerOn(name);
        say(name + ": powered on, starting its agent");
        NodeStatus agent;
        java.util.concurrent.atomic.AtomicReference<String> lastStep = new java.util.concurrent.atomic.AtomicReference<>();
        try (AutoCloseable steps = followBootSteps(name, consoleBefore, lastStep)) {
            agent = watch.awaitAgent(name, (int) substrate.bootTimeout().toSeconds(), consoleBefore);
            say(name + ": agent running (identity " + agent.identity() + "), waiting for routes");
        } catch (SubstrateException e) {
            // A console that keeps no log (a BMC's serial console) shows its steps only live: the last one says where it stopped.
            String step = lastStep.get();
            throw step == null ? e : new SubstrateException(e.getMessage() + "\n" + name + "'s last boot step: " + step, e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("closing a console follower cannot fail", e);
        }
        LabRecord.MachineRecord gateway = record.machines.get(Topology.GATEWAY);
        if (!name.equals(Topology.GATEWAY) && gateway != null && "joined".equals(gateway.state)) {
            watch.awaitReachable(name, agent.host(), Topology.GATEWAY, host(Topology.GATEWAY), ROUTES_SECONDS);
        }
        synchronized (record) {
            r.state = "joined";
            r.joinSeconds = (System.nanoTime() - t0) / 1e9;
            record.write(dir);
        }
        say(String.format("%s: joined in %.1f s (host %s)", name, r.joinSeconds, host(name)));
    }

    /** Shows the machine's boot steps from its console as they come ({@link BootSteps}); nothing where there is no console. */
    private AutoCloseable followBootSteps(String name, List<String> consoleBefore, java.util.concurrent.atomic.AtomicReference<String> last) {
        try {
            return substrate.console(name, new BootSteps(consoleBefore, step -> {
                last.set(step);
                say(name + ": " + step);
            }));
        } catch (io.kubermesh.api.NotApplicableException e) {
            return () -> { };
        } catch (io.kubermesh.api.KubermeshException e) {
            say(name + ": its boot steps cannot be shown (" + e.getMessage() + "); waiting for its agent");
            return () -> { };
        }
    }

    /** The last lines of a machine's console, for error messages (the lab may be torn down next). */
    public String consoleTail(String machine, int lines) {
        return watch.consoleTail(machine, lines);
    }

    /** The host address of a machine: from its identity, as its agent reports it or as the rule picks it. */
    public String host(String machine) {
        return status.host(machine);
    }

    /**
     * The cluster's enrolment decisions (policy, machines waiting for approval, approved, denied),
     * asked of the first machine whose agent answers; empty when none does.
     */
    public Optional<io.kubermesh.agent.control.ControlAnswers.Enrolment> enrolment() {
        for (io.kubermesh.spi.MachineStatus m : substrate.machines()) {
            if (!m.powered()) {
                continue;
            }
            try {
                return Optional.of(agents.ask(m.name(), io.kubermesh.agent.control.AgentClient::enrolment));
            } catch (io.kubermesh.api.KubermeshException e) {
                // not up yet, or no control plane here: ask the next
            }
        }
        return Optional.empty();
    }

    /**
     * Records an operator's decision on {@code mac} through the agent of an etcd member (only
     * members may write decisions); fails naming why when no member's agent answers.
     */
    public io.kubermesh.agent.control.ControlAnswers.Decision decide(io.kubermesh.api.MacAddress mac, boolean approve) {
        return askVoter(c -> c.decide(mac, approve), "recorded the decision");
    }

    /** Asks the agents of etcd voters in turn until one answers; fails naming why each did not. */
    <T> T askVoter(java.util.function.Function<io.kubermesh.agent.control.AgentClient, T> call, String what) {
        List<String> tried = new java.util.ArrayList<>();
        for (MachineView m : status()) {
            if (m.etcd() == null || !"voter".equals(m.etcd().role())) {
                continue;
            }
            try {
                return agents.ask(m.name(), call::apply);
            } catch (io.kubermesh.api.KubermeshException e) {
                tried.add(m.name() + ": " + e.getMessage());
            }
        }
        throw new io.kubermesh.api.KubermeshException("no etcd voter's agent " + what
                + (tried.isEmpty() ? " (no machine runs an etcd voter)" : ": " + String.join("; ", tried)));
    }

    /** The cluster's routing keys as etcd holds them (step and ids), asked of an etcd voter's agent. */
    public io.kubermesh.agent.control.ControlAnswers.RoutingKeys routingKeys() {
        return askVoter(io.kubermesh.agent.control.AgentClient::routingKeys, "read the routing keys");
    }

    /**
     * Rolls the cluster's routing key (docs/trust.md, "Rolling the routing key"); see
     * {@link LabKeyRoll#roll}: each step waits until every admitted machine holds the last one,
     * at most {@code perStep}.
     */
    public io.kubermesh.agent.control.ControlAnswers.RoutingKeys rollRoutingKey(Duration perStep) {
        return new LabKeyRoll(this, substrate, progress).roll(perStep);
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
        return new LabRoutes(substrate, agents, plan, status).compare(from);
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

    /** Who reaches whom among the powered machines: ICMPv6 echoes per ordered pair of host addresses (every 0.1 s until answered, for 1 s), sent by the agents. */
    public Map<String, Map<String, Boolean>> reachability() {
        return ReachabilityProbe.matrix(probeTargets(), agents);
    }

    /** As {@link #reachability()}, among {@code targets} as they were (no agent asked for its status first). */
    public Map<String, Map<String, Boolean>> reachability(List<ReachabilityProbe.Target> targets) {
        return ReachabilityProbe.matrix(targets, agents);
    }

    /** As {@link #reachability()}, asking again for up to {@code settleSeconds} while a pair fails. */
    public Map<String, Map<String, Boolean>> reachability(int settleSeconds) {
        return ReachabilityProbe.settle(this::probeTargets, agents, settleSeconds);
    }

    /** The powered machines (off and gone ones are left out) as the probe needs them. */
    public List<ReachabilityProbe.Target> probeTargets() {
        return status().stream().filter(m -> !m.state().equals("off") && !m.state().equals("gone"))
                .map(m -> new ReachabilityProbe.Target(m.name(), m.host())).toList();
    }

    /** Removes the cable between machines {@code a} and {@code b}, remembering it for {@link #join}. */
    public void cut(String a, String b) {
        Cable c = substrate.topology().cables().stream().filter(x -> x.touches(a) && x.touches(b)).findFirst()
                .orElseThrow(() -> new SubstrateException("there is no cable between " + a + " and " + b));
        try {
            substrate.cut(c.a(), c.b());
        } catch (RuntimeException e) {
            // A cut that failed half-way may count as made (the bare-metal substrate records a port it may
            // have taken down): what the substrate's topology says is what join must be able to undo.
            if (!substrate.topology().cables().contains(c)) {
                recordCut(c);
            }
            throw e;
        }
        recordCut(c);
        say("cut " + c);
    }

    private void recordCut(Cable c) {
        LabRecord.CutCable cut = new LabRecord.CutCable();
        cut.a = c.a().machine();
        cut.aPort = c.a().port();
        cut.b = c.b().machine();
        cut.bPort = c.b().port();
        record.cut.add(cut);
        record.write(dir);
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
        markOff(machine);
        say(machine + ": powered off");
    }

    /** Shuts a machine down in order (its agent stops and withdraws, up to {@code grace}), then powers it off. */
    public void shutdown(String machine, Duration grace) {
        substrate.shutdown(machine, grace);
        markOff(machine);
        say(machine + ": shut down");
    }

    private void markOff(String machine) {
        LabRecord.MachineRecord r = record.machines.get(machine);
        if (r != null) {
            r.state = "off";
            record.write(dir);
        }
    }

    public void revive(String machine) {
        substrate.preflight();
        bringUp(machine);
    }

    /**
     * A new blank machine cabled to the given ports (see {@link PlugPlan}: a free port when none
     * is given; a port of a powered-off machine is taken over, and a dead machine left with no
     * cable is gone: it is removed from the substrate and status lists it as {@code gone}). It
     * joins like the others.
     */
    public String plug(List<PortRef> to) {
        substrate.preflight();
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

    /** Tears the lab down: every machine, cable and file, whatever the substrate made. */
    public void down() {
        substrate.close();
        LabDirectory.remove(dir);
    }

    private void say(String line) {
        progress.accept(String.format("[%6.1fs] %s", (System.nanoTime() - started) / 1e9, line));
    }
}
