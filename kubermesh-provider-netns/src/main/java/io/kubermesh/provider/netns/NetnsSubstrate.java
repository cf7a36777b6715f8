package io.kubermesh.provider.netns;

import io.kubermesh.agent.StatusEndpoint;
import io.kubermesh.agent.console.ConsoleLog;
import io.kubermesh.agent.control.UnixAgentChannel;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.netns.machine.AgentArchive;
import io.kubermesh.provider.netns.machine.MachineLauncher;
import io.kubermesh.provider.netns.machine.NetnsMachine;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.routing.netlink.Rtnetlink;
import io.kubermesh.spi.AgentChannel;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machines as network namespaces ({@code PREFIX + name}), cables as veth pairs created directly
 * between two namespaces, each end named {@code clusterI} with the machine's NIC MAC for port I.
 * Power off kills every process in the namespace and takes its ports down (its neighbours lose
 * carrier, as with a real machine); power on brings them up (a netbooting machine's firmware
 * stand-in does, when it starts, as a real NIC's firmware driver does) and runs the machine's operating
 * system: a JVM ({@link io.kubermesh.provider.netns.machine.NetnsMachine}) that runs the
 * firmware stand-in and then the agent on a blank machine, or the agent with the cluster file
 * {@link #deploy} gave a deployed one, under a shell loop that starts the agent again when it
 * dies, as a node's service manager does ({@link MachineLauncher#supervisor}). Each machine keeps {@code machines/NAME/} in the state
 * directory: {@code state/} (the agent's, with its control socket {@code agent.sock}),
 * {@code console.log} and, when deployed, {@code cluster.yaml}.
 *
 * <p>The lab outlives the process that built it: its state is in {@code substrate.json} of the
 * state directory, and {@link #open} on the same directory attaches to it. {@link #close()}
 * tears everything down: processes, namespaces (their links go with them) and the state file.
 */
public final class NetnsSubstrate implements Substrate {
    private static final Logger LOG = LoggerFactory.getLogger(NetnsSubstrate.class);

    /** What runs on a machine when it is powered on: firmware, or a deployed agent. */
    @FunctionalInterface
    public interface PowerOnAction {
        /**
         * @param machine the machine as the substrate knows it
         * @param netns its namespace, where the action starts its processes
         * @param console the file its processes should write their output to
         */
        void start(MachineStatus machine, String netns, Path console);
    }

    private static final String CLUSTER_FILE = "cluster.yaml";
    /** Option: {@code use} (default) makes and uses the agents' class archive, {@code off} runs machines without. */
    public static final String CLASS_ARCHIVE = "netns.class-archive";

    private final Path stateDirectory;
    private final ClusterSpec cluster;
    private final boolean classArchive;
    private final LabState state;
    private volatile PowerOnAction powerOnAction = this::launch;
    private volatile List<String> machineCommand;
    private boolean closed;

    private NetnsSubstrate(Path stateDirectory, SubstrateConfig config, LabState state) {
        this.stateDirectory = stateDirectory;
        this.cluster = config.cluster();
        String archive = config.option(CLASS_ARCHIVE).orElse("use");
        if (!archive.equals("use") && !archive.equals("off")) {
            throw new io.kubermesh.api.ConfigurationException(CLASS_ARCHIVE, archive, "use or off");
        }
        this.classArchive = archive.equals("use");
        this.state = state;
    }

    /** A new lab in {@code config.stateDirectory()}, or the one already there. */
    public static NetnsSubstrate open(SubstrateConfig config) {
        Path dir = config.stateDirectory();
        LabState existing = LabState.read(dir);
        String prefix = config.option("netns.prefix").orElse("km" + config.cluster().name() + "-");
        if (!prefix.startsWith("km") || !prefix.matches("[a-z0-9-]{2,20}")) {
            throw new SubstrateException("netns.prefix '" + prefix + "' must start with km and be 2..20 of a-z, 0-9, '-'");
        }
        if (existing != null) {
            if (!existing.prefix.equals(prefix)) {
                throw new SubstrateException("the lab in " + dir + " uses prefix " + existing.prefix + ", not " + prefix);
            }
            return new NetnsSubstrate(dir, config, existing);
        }
        LabState fresh = new LabState();
        fresh.prefix = prefix;
        fresh.write(dir);
        return new NetnsSubstrate(dir, config, fresh);
    }

    /** Replaces what runs on a machine at power on (tests start their own processes). */
    public void onPowerOn(PowerOnAction action) {
        this.powerOnAction = action;
    }

    /**
     * The JVM command machines powered on from now run (java, options, class path, main class);
     * the default is {@link MachineLauncher#plainCommand()}. The class archive is added to it
     * unless {@code netns.class-archive} is {@code off}.
     */
    public void useMachineCommand(List<String> command) {
        this.machineCommand = List.copyOf(command);
    }

    /** A machine's directory: its agent's state, its console, its deployed cluster file. */
    private Path machineDirectory(String machine) {
        return stateDirectory.resolve("machines").resolve(machine);
    }

    /** The agent's state directory of a machine (its control socket is {@code agent.sock} there). */
    public Path agentState(String machine) {
        return machineDirectory(machine).resolve("state");
    }

    private void launch(MachineStatus machine, String netns, Path console) {
        LabState.StoredMachine m = machine(machine.name());
        if (!m.netboot && !m.deployed) {
            try {
                Files.writeString(console, "no operating system deployed on " + m.name + " (Substrate.deploy): nothing runs\n",
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new SubstrateException("cannot write the console of " + m.name + ": " + e.getMessage(), e);
            }
            return;
        }
        List<String> command = baseCommand();
        if (classArchive) {
            command = AgentArchive.ifPresent(command);
        }
        List<String> first = MachineLauncher.arguments(m.name, !m.netboot, machineDirectory(m.name).resolve(CLUSTER_FILE),
                agentState(m.name), m.etcdBootstrap);
        // A netbooted machine's agent runs again with the cluster file its firmware installed.
        List<String> agent = m.netboot ? MachineLauncher.arguments(m.name, true,
                agentState(m.name).resolve(NetnsMachine.INSTALLED_CLUSTER_FILE), agentState(m.name), false) : first;
        MachineLauncher.start(netns, console, command, first, agent, agentState(m.name));
    }

    /**
     * The agents of netns machines run on this host: the lab's own tools and every node component
     * the cluster file asks for (routing daemon, etcd unless {@code etcdMembers: 0}, the iPXE boot
     * loaders, root, the kernel features).
     */
    @Override
    public void preflight() {
        List<io.kubermesh.agent.Preflight.Need> needs = new java.util.ArrayList<>(io.kubermesh.agent.Preflight.lab());
        needs.addAll(io.kubermesh.agent.Preflight.forNode(cluster, io.kubermesh.api.HostRequirements.IPXE_DIRECTORY));
        io.kubermesh.agent.Preflight.require(needs);
    }

    /**
     * Makes the agents' class archive when it is missing or older than the jars (a two-machine
     * training join in namespaces {@code km<cluster>cds-*}; see {@link AgentArchive}).
     */
    @Override
    public void prepare(java.util.function.Consumer<String> progress) {
        if (!classArchive) {
            return;
        }
        AgentArchive.use(baseCommand(), stateDirectory.toAbsolutePath()
                .resolveSibling(stateDirectory.getFileName() + ".cds-training"), trainingYaml(cluster), progress);
    }

    private List<String> baseCommand() {
        return machineCommand != null ? machineCommand : MachineLauncher.plainCommand();
    }

    /** The seed cluster with this cluster's name and routing daemon: the agents load the classes this one's will. */
    private static String trainingYaml(ClusterSpec cluster) {
        try (var in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            String seed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return seed.replaceFirst("(?m)^(\\s*name:\\s*)lab\\s*$", "$1" + cluster.name())
                    .replace("daemon: frr", "daemon: " + cluster.routing().daemon().id());
        } catch (IOException | NullPointerException e) {
            throw new SubstrateException("cannot read the seed profile for the archive training: " + e, e);
        }
    }

    /** Writes the cluster file to the machine's directory (its disk); the agent runs with it from the next power on. */
    @Override
    public synchronized void deploy(String machine, Deployment deployment) {
        open();
        LabState.StoredMachine m = machine(machine);
        if (m.netboot) {
            throw new SubstrateException("machine " + machine + " network-boots: it gets its cluster file from the"
                    + " neighbour it boots from, not by deployment");
        }
        try {
            Files.createDirectories(machineDirectory(machine));
            io.kubermesh.addressing.DurableFile.write(machineDirectory(machine).resolve(CLUSTER_FILE),
                    deployment.clusterYaml().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new SubstrateException("cannot deploy to " + machine + ": " + e.getMessage(), e);
        }
        m.deployed = true;
        m.etcdBootstrap = deployment.etcdBootstrap();
        save();
        LOG.info("machine {} deployed{}", machine, deployment.etcdBootstrap() ? " (etcd bootstrap)" : "");
    }

    /** The machine's agent, through its control socket in the machine's state directory. */
    @Override
    public AgentChannel agent(String machine) {
        synchronized (this) {
            open();
            if (!machine(machine).powered) {
                throw new SubstrateException("machine " + machine + " is powered off: no agent runs there");
            }
        }
        return UnixAgentChannel.connect(agentState(machine).resolve(StatusEndpoint.SOCKET));
    }

    @Override
    public List<String> consoleTail(String machine, int lines) {
        synchronized (this) {
            machine(machine);
        }
        return new ConsoleLog(consoleLog(machine)).tail(lines);
    }

    /** {@code netns}: the machine's namespace. */
    @Override
    public Map<String, String> placement(String machine) {
        synchronized (this) {
            machine(machine);
        }
        return Map.of("netns", namespace(machine));
    }

    /** The namespace of a machine. */
    public String namespace(String machine) {
        return state.prefix + machine;
    }

    public Path consoleLog(String machine) {
        return machineDirectory(machine).resolve("console.log");
    }

    @Override
    public synchronized void addMachine(MachineSpec spec) {
        open();
        if (find(spec.name()).isPresent()) {
            throw new SubstrateException("a machine named " + spec.name() + " exists already");
        }
        new Topology.Machine(spec.name(), spec.nics().size());
        String ns = namespace(spec.name());
        if (ns.length() > 64) {
            throw new SubstrateException("machine name " + spec.name() + " makes a namespace name longer than 64");
        }
        if (NetworkNamespaces.exists(ns)) {
            throw new SubstrateException("namespace " + ns + " exists but is not part of this lab; remove it with "
                    + "`ip netns del " + ns + "` if it is a leftover");
        }
        NetworkNamespaces.create(ns);
        try (Rtnetlink nl = Rtnetlink.open(ns)) {
            nl.setUp("lo", true);
        } catch (RuntimeException e) {
            NetworkNamespaces.delete(ns);
            throw new SubstrateException("cannot set up namespace " + ns + ": " + e.getMessage(), e);
        }
        LabState.StoredMachine m = new LabState.StoredMachine();
        m.name = spec.name();
        spec.nics().forEach(n -> m.nics.add(n.toString()));
        m.netboot = spec.netboot();
        state.machines.add(m);
        save();
        LOG.info("machine {} added (namespace {}, {} ports)", spec.name(), ns, spec.nics().size());
    }

    @Override
    public synchronized void cable(PortRef a, PortRef b) {
        open();
        LabState.StoredMachine ma = port(a);
        LabState.StoredMachine mb = port(b);
        if (a.machine().equals(b.machine())) {
            throw new SubstrateException("a cable joins two different machines, not " + a + " and " + b);
        }
        for (PortRef end : List.of(a, b)) {
            cableAt(end).ifPresent(c -> {
                throw new SubstrateException("port " + end + " already has a cable (" + c.a + ":" + c.aPort + "-" + c.b
                        + ":" + c.bPort + ")");
            });
        }
        try (Rtnetlink nl = Rtnetlink.open(namespace(a.machine()))) {
            nl.createVeth(iface(a.port()), MacAddress.parse(ma.nics.get(a.port())), iface(b.port()),
                    MacAddress.parse(mb.nics.get(b.port())), Optional.of(namespace(b.machine())));
            if (ma.powered) {
                nl.setUp(iface(a.port()), true);
            }
        }
        if (mb.powered) {
            try (Rtnetlink nl = Rtnetlink.open(namespace(b.machine()))) {
                nl.setUp(iface(b.port()), true);
            }
        }
        LabState.StoredCable c = new LabState.StoredCable();
        c.a = a.machine();
        c.aPort = a.port();
        c.b = b.machine();
        c.bPort = b.port();
        state.cables.add(c);
        save();
        LOG.info("cable {} - {}", a, b);
    }

    @Override
    public synchronized void cut(PortRef a, PortRef b) {
        open();
        LabState.StoredCable c = cableAt(a).filter(x -> matches(x, b))
                .orElseThrow(() -> new SubstrateException("there is no cable between " + a + " and " + b));
        try (Rtnetlink nl = Rtnetlink.open(namespace(a.machine()))) {
            nl.deleteLink(iface(a.port()));
        }
        state.cables.remove(c);
        save();
        LOG.info("cable {} - {} cut", a, b);
    }

    @Override
    public synchronized void powerOn(String machine) {
        open();
        LabState.StoredMachine m = machine(machine);
        if (m.powered) {
            return;
        }
        // A machine that netboots gets its links when its firmware turns its NICs up (as a real NIC's
        // link comes up when its firmware's network driver starts it); the others at power on.
        if (!m.netboot) {
            setPorts(m, true);
        }
        m.powered = true;
        save();
        try {
            Files.createDirectories(consoleLog(machine).getParent());
        } catch (IOException e) {
            throw new SubstrateException("cannot create the console of " + machine + ": " + e.getMessage(), e);
        }
        LOG.info("machine {} powered on", machine);
        powerOnAction.start(status(m), namespace(machine), consoleLog(machine));
    }

    @Override
    public synchronized void powerOff(String machine) {
        open();
        LabState.StoredMachine m = machine(machine);
        int killed = NamespaceProcesses.killAll(NetworkNamespaces.path(namespace(machine)));
        setPorts(m, false);
        forget(m);
        m.powered = false;
        save();
        LOG.info("machine {} powered off ({} processes stopped)", machine, killed);
    }

    /**
     * An orderly power off: every process in the machine gets SIGTERM and {@code grace} to
     * stop (an agent removes what it added, a JVM writes what it writes at exit), then the power
     * goes as with {@link #powerOff}.
     */
    @Override
    public synchronized void shutdown(String machine, Duration grace) {
        open();
        machine(machine);
        if (!NamespaceProcesses.terminateAll(NetworkNamespaces.path(namespace(machine)), grace.toMillis())) {
            LOG.warn("machine {}: processes still running {} after SIGTERM; cutting the power", machine, grace);
        }
        powerOff(machine);
    }

    @Override
    public synchronized void removeMachine(String machine) {
        open();
        LabState.StoredMachine m = machine(machine);
        if (m.powered) {
            throw new SubstrateException("machine " + machine + " is powered on; power it off before removing it");
        }
        state.cables.removeIf(c -> c.a.equals(machine) || c.b.equals(machine));
        NetworkNamespaces.delete(namespace(machine));
        state.machines.remove(m);
        save();
    }

    @Override
    public synchronized List<MachineStatus> machines() {
        List<MachineStatus> out = new ArrayList<>();
        state.machines.forEach(m -> out.add(status(m)));
        return out;
    }

    @Override
    public synchronized Topology topology() {
        List<Topology.Machine> machines = new ArrayList<>();
        state.machines.forEach(m -> machines.add(new Topology.Machine(m.name, m.nics.size())));
        List<Cable> cables = new ArrayList<>();
        state.cables.forEach(c -> cables.add(new Cable(new PortRef(c.a, c.aPort), new PortRef(c.b, c.bPort))));
        return new Topology(machines, cables);
    }

    @Override
    public AutoCloseable console(String machine, Consumer<String> lines) {
        synchronized (this) {
            machine(machine);
        }
        return new ConsoleLog(consoleLog(machine)).follow("console-" + machine, lines);
    }

    /** Tears the whole lab down: every process, namespace and link it made, and its state. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (LabState.StoredMachine m : new ArrayList<>(state.machines)) {
            String ns = namespace(m.name);
            try {
                NamespaceProcesses.killAll(NetworkNamespaces.path(ns));
                NetworkNamespaces.delete(ns);
            } catch (RuntimeException e) {
                LOG.warn("tearing down {}: {}", ns, e.toString());
            }
        }
        state.machines.clear();
        state.cables.clear();
        LabState.delete(stateDirectory);
    }

    /**
     * A machine that loses power forgets its network state: every link but its NICs and loopback
     * goes, its NICs lose their addresses (routes go with them), forwarding is off again; as after
     * a real power cycle, it boots from nothing.
     */
    private void forget(LabState.StoredMachine m) {
        try (Rtnetlink nl = Rtnetlink.open(namespace(m.name))) {
            for (var link : nl.links()) {
                if (!link.name().equals("lo") && !link.name().matches("cluster\\d+")) {
                    nl.deleteLink(link.name());
                }
            }
            for (var a : nl.addresses()) {
                if (!a.address().isLinkLocal() && !a.interfaceName().equals("lo")) {
                    nl.removeAddress(a.interfaceName(), a.address(), a.prefixLength());
                }
            }
            nl.setForwarding("all", false);
        } catch (RuntimeException e) {
            LOG.warn("resetting {} after power off: {}", m.name, e.toString());
        }
    }

    private void setPorts(LabState.StoredMachine m, boolean up) {
        try (Rtnetlink nl = Rtnetlink.open(namespace(m.name))) {
            for (LabState.StoredCable c : state.cables) {
                if (c.a.equals(m.name)) {
                    nl.setUp(iface(c.aPort), up);
                }
                if (c.b.equals(m.name)) {
                    nl.setUp(iface(c.bPort), up);
                }
            }
        }
    }

    private void open() {
        if (closed) {
            throw new SubstrateException("this substrate is closed");
        }
    }

    private void save() {
        state.write(stateDirectory);
    }

    private static String iface(int port) {
        return io.kubermesh.api.PortPrefix.interfaceName(port);
    }

    private Optional<LabState.StoredMachine> find(String name) {
        return state.machines.stream().filter(m -> m.name.equals(name)).findFirst();
    }

    private LabState.StoredMachine machine(String name) {
        return find(name).orElseThrow(() -> new SubstrateException("there is no machine " + name + " in this lab; it has "
                + state.machines.stream().map(m -> m.name).toList()));
    }

    private LabState.StoredMachine port(PortRef ref) {
        LabState.StoredMachine m = machine(ref.machine());
        if (ref.port() < 0 || ref.port() >= m.nics.size()) {
            throw new SubstrateException("machine " + ref.machine() + " has ports 0.." + (m.nics.size() - 1) + ", not " + ref.port());
        }
        return m;
    }

    private Optional<LabState.StoredCable> cableAt(PortRef end) {
        return state.cables.stream().filter(c -> (c.a.equals(end.machine()) && c.aPort == end.port())
                || (c.b.equals(end.machine()) && c.bPort == end.port())).findFirst();
    }

    private static boolean matches(LabState.StoredCable c, PortRef other) {
        return (c.a.equals(other.machine()) && c.aPort == other.port()) || (c.b.equals(other.machine()) && c.bPort == other.port());
    }

    private static MachineStatus status(LabState.StoredMachine m) {
        List<MacAddress> nics = new ArrayList<>();
        m.nics.forEach(n -> nics.add(MacAddress.parse(n)));
        return new MachineStatus(m.name, m.powered, nics, m.netboot);
    }

    Map<String, String> namespaces() {
        Map<String, String> out = new LinkedHashMap<>();
        state.machines.forEach(m -> out.put(m.name, namespace(m.name)));
        return out;
    }
}
