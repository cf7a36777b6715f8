package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.addressing.site.SiteMachine;
import io.kubermesh.agent.StatusEndpoint;
import io.kubermesh.agent.control.UnixAgentChannel;
import io.kubermesh.api.NotApplicableException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.AgentChannel;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.PowerDriver;
import io.kubermesh.spi.PowerPolicy;
import io.kubermesh.spi.Substrate;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Real machines from the site inventory. The gateway (the one machine added with
 * {@code netboot=false}) is this host: its agent runs here in a network namespace whose mesh ports
 * {@code clusterI} are this host's NICs with the gateway's inventory MACs, moved into it and given
 * back under their names when it goes ({@link GatewayPorts#HOST}), or taps carrying those MACs for
 * VMs standing for the machines to plug into ({@link GatewayPorts#TAP}). Every other machine is powered
 * through the BMC the inventory names, the first time with network as the one-time boot device
 * (it is blank then; later it boots by its BIOS order, its disk first), and its power state is
 * what its BMC reads. With a node image ({@value io.kubermesh.spi.SubstrateConfig#NODE_IMAGE}),
 * the gateway's boot services serve its netboot kernel and initrd and its iPXE loaders. Cables are the inventory's: a person lays them, so
 * {@link #cable} only accepts one the inventory lists; {@link #cut} takes one end down: the gateway's,
 * or between netbooted machines, through the agent of the end that stays reachable.
 */
public final class BaremetalSubstrate implements Substrate {
    private static final Logger LOG = LoggerFactory.getLogger(BaremetalSubstrate.class);
    static final String NAME = "baremetal";
    /** A real machine's power-on to agent: POST (minutes on a server), netboot, install, boot. */
    static final Duration BOOT_TIMEOUT = Duration.ofSeconds(900);

    private final SiteInventory site;
    private final io.kubermesh.addressing.AddressPlan plan;
    private final Path stateDirectory;
    private final SitePower power;
    private final BaremetalState state;
    private final Gateway gateway;
    private final GatewayPorts ports;
    private final Duration bootTimeout;
    private boolean closed;

    BaremetalSubstrate(SiteInventory site, io.kubermesh.addressing.AddressPlan plan, Path stateDirectory, String netns,
                       GatewayPorts ports, PowerPolicy policy, Duration bootTimeout, List<PowerDriver> drivers, Optional<String> image) {
        this.site = site;
        this.bootTimeout = bootTimeout;
        this.ports = ports;
        this.plan = plan;
        this.stateDirectory = stateDirectory;
        this.power = new SitePower(site, policy, drivers);
        BaremetalState existing = BaremetalState.read(stateDirectory);
        if (existing != null && !netns.equals(existing.netns)) {
            throw new SubstrateException("the site in " + stateDirectory + " uses namespace " + existing.netns + ", not " + netns);
        }
        this.state = existing != null ? existing : new BaremetalState();
        this.state.netns = netns;
        this.gateway = new Gateway(netns, stateDirectory.resolve("gateway"), image);
        save();
    }

    /**
     * The inventory's machines in its order, the first deployed from this host (the gateway), the
     * others network-booting; and its cables.
     */
    @Override
    public Optional<io.kubermesh.spi.SiteLayout> site() {
        List<MachineSpec> machines = new ArrayList<>();
        for (SiteMachine m : site.machines()) {
            machines.add(new MachineSpec(m.name(), m.nics(), !machines.isEmpty()));
        }
        return Optional.of(new io.kubermesh.spi.SiteLayout(machines, site.cables()));
    }

    /** {@code baremetal.boot-timeout}, 900 s by default. */
    @Override
    public Duration bootTimeout() {
        return bootTimeout;
    }

    @Override
    public synchronized void addMachine(MachineSpec spec) {
        open();
        SiteMachine m = site.machine(spec.name()).orElseThrow(() -> new SubstrateException("machine " + spec.name()
                + " is not in the site inventory " + site.name() + "; it lists " + names()));
        if (find(spec.name()).isPresent()) {
            throw new SubstrateException("machine " + spec.name() + " was added already");
        }
        if (!m.nics().equals(spec.nics())) {
            throw new SubstrateException("machine " + spec.name() + " has NICs " + m.nics() + " in the inventory, not " + spec.nics());
        }
        if (spec.netboot()) {
            power.target(m.name());
        } else {
            if (state.gateway != null) {
                throw new SubstrateException("the gateway is " + state.gateway + "; a site has one machine deployed from this host");
            }
            createGateway(m.nics());
            state.gateway = m.name();
        }
        BaremetalState.Added a = new BaremetalState.Added();
        a.name = spec.name();
        a.netboot = spec.netboot();
        state.machines.add(a);
        save();
        LOG.info("machine {} added ({})", spec.name(), spec.netboot() ? "powered through " + power.target(m.name()).describe()
                : "the gateway, namespace " + state.netns);
    }

    /**
     * Taps, or this host's NICs: each judged free first, then all recorded in the state before the
     * first is moved, so a {@code down} after a crash half-way gives them back.
     */
    private void createGateway(List<io.kubermesh.api.MacAddress> nics) {
        if (ports == GatewayPorts.TAP) {
            gateway.create(nics);
            return;
        }
        if (!state.hostPorts.isEmpty()) {
            throw new SubstrateException("this host's NICs " + state.hostPorts + " are recorded as the gateway's ports by a command "
                    + "that did not finish; run down first, which gives them back (removing namespace " + state.netns
                    + " by hand would not)");
        }
        gateway.refuseExisting();
        state.hostPorts = new ArrayList<>(HostPorts.claim(nics));
        save();
        try {
            gateway.createOnHostPorts(state.hostPorts);
        } catch (RuntimeException e) {
            forgetHostPortsIfGiven();
            throw e;
        }
        LOG.info("the gateway's ports: this host's {}", state.hostPorts);
    }

    /**
     * Gives this host's NICs back and removes the gateway's namespace. Once the namespace is gone
     * nothing more can come back, so the record of the NICs goes too (an error names any that did
     * not come back as they were); while it is kept, so is the record, for {@code down} to try again.
     */
    private void deleteGateway() {
        try {
            gateway.delete(state.hostPorts);
        } finally {
            forgetHostPortsIfGiven();
        }
    }

    private void forgetHostPortsIfGiven() {
        if (!state.hostPorts.isEmpty() && !io.kubermesh.routing.netlink.NetworkNamespaces.exists(state.netns)) {
            state.hostPorts = new ArrayList<>();
            save();
        }
    }

    /**
     * Accepts a cable the inventory lists (a person laid it) and, if it was cut, brings the port
     * that was taken down up again (the gateway's, or a netbooted machine's through its agent); any
     * other cable does not apply.
     */
    @Override
    public synchronized void cable(PortRef a, PortRef b) {
        open();
        machine(a.machine());
        machine(b.machine());
        if (site.cables().stream().noneMatch(c -> same(c, a, b))) {
            throw new NotApplicableException(NAME, "cable " + a + " to " + b, "a person lays cables on a site; plug it, "
                    + "then add [\"" + a + "\", \"" + b + "\"] to the cables of " + site.name());
        }
        gatewayEnd(a, b).filter(state.cutPorts::contains).ifPresent(p -> {
            state.cutPorts.remove(p);
            save();
            if (gateway.running(state.gatewayPid)) {
                gateway.setPort(p, true);
            }
            LOG.info("cable {} - {} joined again (gateway port {} up)", a, b, p);
        });
        for (PortRef end : List.of(a, b)) {
            if (state.cutEnds.contains(end.toString())) {
                // the record stays while the port is not known to be up again
                setPort(end, true);
                state.cutEnds.remove(end.toString());
                save();
                LOG.info("cable {} - {} joined again ({} up)", a, b, end);
            }
        }
    }

    /** How long {@link #setPort} asks again while the machine's agent cannot be reached (a route that flapped). */
    static final Duration SET_PORT_PATIENCE = Duration.ofSeconds(30);

    /**
     * Asks {@code end}'s machine's agent (through the gateway's, as the operator) to take the port
     * down or up; asked again for up to {@link #SET_PORT_PATIENCE} while it fails (the request is
     * idempotent): a route to the machine that flapped a moment ago (seen under TCG, where a
     * stalled VM misses its BFD packets) answered "Network is unreachable" at once.
     */
    private void setPort(PortRef end, boolean up) {
        long deadline = System.nanoTime() + SET_PORT_PATIENCE.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            try (io.kubermesh.agent.control.AgentClient client = new io.kubermesh.agent.control.AgentClient(agent(end.machine()))) {
                var answer = client.setPort(end.port(), up);
                if (answer.up() != up) {
                    throw new SubstrateException(end + " is still " + (answer.up() ? "up" : "down") + " after its agent took it "
                            + (up ? "up" : "down"));
                }
                return;
            } catch (io.kubermesh.api.KubermeshException e) {
                if (e instanceof SubstrateException || System.nanoTime() > deadline) {
                    throw e instanceof SubstrateException se ? se : new SubstrateException("cannot take " + end + " "
                            + (up ? "up" : "down") + " through " + end.machine() + "'s agent (" + attempts + " attempts in "
                            + SET_PORT_PATIENCE.toSeconds() + " s): " + e.getMessage(), e);
                }
                LOG.info("taking {} {}: {}'s agent did not take the request ({}); asking again", end, up ? "up" : "down",
                        end.machine(), e.getMessage());
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new SubstrateException("interrupted while taking " + end + " " + (up ? "up" : "down"), ie);
                }
            }
        }
    }

    /**
     * Takes one end of an inventory cable down administratively: the machine at the other end
     * loses its link as if the cable were pulled. The gateway's end when the gateway is one;
     * between netbooted machines, the end whose machine still reaches the gateway without this
     * cable (so its agent can take it up again), asked through the gateway's agent with the
     * operator's certificate ({@link io.kubermesh.agent.control.AgentControl#OPERATOR_REQUESTS}). A
     * netbooted machine's cut lasts until it is powered off: its next agent turns every port up.
     */
    @Override
    public synchronized void cut(PortRef a, PortRef b) {
        open();
        machine(a.machine());
        machine(b.machine());
        if (site.cables().stream().noneMatch(c -> same(c, a, b))) {
            throw new SubstrateException("there is no cable between " + a + " and " + b + " in the site inventory " + site.name());
        }
        Optional<Integer> atGateway = gatewayEnd(a, b);
        if (atGateway.isEmpty()) {
            if (state.cutEnds.contains(a.toString()) || state.cutEnds.contains(b.toString())) {
                return;
            }
            if (state.gateway == null) {
                throw new SubstrateException("cannot cut " + a + " - " + b + ": no gateway has been added, and a port of a netbooted"
                        + " machine is taken down by its agent, asked through the gateway's");
            }
            PortRef end = reachableEnd(poweredCables(), state.gateway, a, b);
            // Recorded before it is asked: whatever becomes of the request (its answer lost, this
            // process gone), the port may be down, and joining the cable asks it up (harmless if it is).
            state.cutEnds.add(end.toString());
            save();
            try {
                setPort(end, false);
            } catch (SubstrateException e) {
                throw new SubstrateException(e.getMessage() + "; " + end + " may be down all the same, so the cable counts as cut:"
                        + " join it (kubermesh join " + a.machine() + " " + b.machine() + ") once " + end.machine()
                        + " answers, which asks " + end + " up again", e);
            }
            LOG.info("cable {} - {} cut ({} down, through its agent)", a, b, end);
            return;
        }
        int port = atGateway.get();
        if (!state.cutPorts.contains(port)) {
            state.cutPorts.add(port);
            save();
        }
        if (gateway.running(state.gatewayPid)) {
            gateway.setPort(port, false);
        }
        LOG.info("cable {} - {} cut (gateway port {} down)", a, b, port);
    }

    /**
     * The end of cable a-b whose machine reaches {@code gateway} over {@code cables} without a-b (a,
     * when both do): its agent can take the port up again afterwards.
     */
    static PortRef reachableEnd(List<Cable> cables, String gateway, PortRef a, PortRef b) {
        List<Cable> others = cables.stream().filter(c -> !same(c, a, b)).toList();
        java.util.Set<String> reached = new java.util.HashSet<>(List.of(gateway));
        java.util.ArrayDeque<String> next = new java.util.ArrayDeque<>(reached);
        while (!next.isEmpty()) {
            String m = next.poll();
            for (Cable c : others) {
                String o = c.a().machine().equals(m) ? c.b().machine() : c.b().machine().equals(m) ? c.a().machine() : null;
                if (o != null && reached.add(o)) {
                    next.add(o);
                }
            }
        }
        if (reached.contains(a.machine())) {
            return a;
        }
        if (reached.contains(b.machine())) {
            return b;
        }
        throw new SubstrateException("cannot cut " + a + " - " + b + ": neither " + a.machine() + " nor " + b.machine()
                + " reaches the gateway " + gateway + " over the cables left, so neither could take its port up again;"
                + " pull the cable");
    }

    /** The cables between powered machines (the gateway: its agent runs; the others: as their BMCs read). */
    private List<Cable> poweredCables() {
        java.util.Set<String> on = new java.util.HashSet<>();
        for (BaremetalState.Added m : state.machines) {
            if (m.name.equals(state.gateway) ? gateway.running(state.gatewayPid) : poweredNow(m).on()) {
                on.add(m.name);
            }
        }
        return topology().cables().stream().filter(c -> on.contains(c.a().machine()) && on.contains(c.b().machine())).toList();
    }

    private Optional<Integer> gatewayEnd(PortRef a, PortRef b) {
        if (a.machine().equals(state.gateway)) {
            return Optional.of(a.port());
        }
        return b.machine().equals(state.gateway) ? Optional.of(b.port()) : Optional.empty();
    }

    @Override
    public synchronized void powerOn(String machine) {
        open();
        BaremetalState.Added a = machine(machine);
        if (machine.equals(state.gateway)) {
            if (!state.deployed) {
                throw new SubstrateException("nothing is deployed on the gateway " + machine + " (Substrate.deploy first)");
            }
            if (gateway.running(state.gatewayPid)) {
                return;
            }
            state.gatewayPid = gateway.start(machine, state.etcdBootstrap, state.cutPorts);
        } else {
            // Blank when this site first powers it: network once. Since then it boots by its BIOS
            // order (the network last), so an installed machine boots its disk.
            power.on(machine, a.netboot && !a.poweredOnce);
            a.poweredOnce = true;
        }
        if (!state.poweredByUs.contains(machine)) {
            state.poweredByUs.add(machine);
        }
        // Saved before the cuts are made again: if that fails, the agent that runs is still known (down stops it).
        save();
        if (machine.equals(state.gateway) && !state.cutPorts.isEmpty()) {
            keepCut(machine);
        }
        LOG.info("machine {} powered on", machine);
    }

    /**
     * An agent turns every port up when it first sees it, so the ports cut before it started are
     * taken down again once its status lists them (it then leaves them as they are); up to 60 s.
     */
    private void keepCut(String machine) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (io.kubermesh.agent.control.AgentClient client = new io.kubermesh.agent.control.AgentClient(
                    UnixAgentChannel.connect(gateway.agentState().resolve(StatusEndpoint.SOCKET)))) {
                List<Integer> configured = client.status().ports().stream().map(io.kubermesh.agent.NodeStatus.Port::index).toList();
                if (configured.containsAll(state.cutPorts)) {
                    state.cutPorts.forEach(p -> gateway.setPort(p, false));
                    LOG.info("gateway {}: ports {} cut again after its agent started", machine, state.cutPorts);
                    return;
                }
            } catch (RuntimeException e) {
                // not answering yet
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new SubstrateException("the gateway " + machine + "'s agent did not configure its ports " + state.cutPorts
                + " within 60 s, so they could not be cut again (they are up); its agent's output is in " + gateway.console()
                + "; power it off and on again, or cut the cables again once it runs");
    }

    @Override
    public synchronized void powerOff(String machine) {
        shutdown(machine, Duration.ZERO);
    }

    /** The gateway's agent gets SIGTERM and {@code grace}; a BMC machine gets its soft off with {@code grace}, then a hard one. */
    @Override
    public synchronized void shutdown(String machine, Duration grace) {
        open();
        machine(machine);
        if (machine.equals(state.gateway)) {
            gateway.stop(state.gatewayPid, grace);
            state.gatewayPid = 0;
        } else {
            power.off(machine, grace);
            forgetCuts(machine);
        }
        state.poweredByUs.remove(machine);
        save();
        LOG.info("machine {} powered off", machine);
    }

    @Override
    public synchronized void removeMachine(String machine) {
        open();
        BaremetalState.Added a = machine(machine);
        if (poweredNow(a).on()) {
            throw new SubstrateException("machine " + machine + " is powered on; power it off before removing it");
        }
        if (machine.equals(state.gateway)) {
            deleteGateway();
            state.gateway = null;
            state.deployed = false;
            state.cutPorts.clear();
        }
        forgetCuts(machine);
        state.machines.remove(a);
        save();
    }

    /** {@code machine:port} as {@link PortRef#toString()} writes it. */
    private static PortRef portRef(String end) {
        int colon = end.lastIndexOf(':');
        return new PortRef(end.substring(0, colon), Integer.parseInt(end.substring(colon + 1)));
    }

    /** A machine's cut ends end with its power: its next agent turns every port up. */
    private void forgetCuts(String machine) {
        if (state.cutEnds.removeIf(e -> e.startsWith(machine + ":"))) {
            LOG.info("{} powered off: the cables cut at its ports count as joined again (its next agent turns every port up)", machine);
        }
    }

    /**
     * Powered is what each BMC reads now; a BMC that cannot tell (Wake-on-LAN) or does not answer
     * reads as not powered with its {@link MachineStatus#powerProblem()}, so status shows it is not known to be off.
     */
    @Override
    public synchronized List<MachineStatus> machines() {
        List<MachineStatus> out = new ArrayList<>();
        for (BaremetalState.Added a : state.machines) {
            SitePower.Reading r = poweredNow(a);
            out.add(new MachineStatus(a.name, r.on(), site.machine(a.name).orElseThrow().nics(), a.netboot, r.problem()));
        }
        return out;
    }

    /** The added machines and the inventory's cables between them. */
    @Override
    public synchronized Topology topology() {
        List<Topology.Machine> machines = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (BaremetalState.Added a : state.machines) {
            machines.add(new Topology.Machine(a.name, site.machine(a.name).orElseThrow().nics().size()));
            names.add(a.name);
        }
        List<Cable> cables = site.cables().stream()
                .filter(c -> names.contains(c.a().machine()) && names.contains(c.b().machine()))
                .filter(c -> gatewayEnd(c.a(), c.b()).map(p -> !state.cutPorts.contains(p)).orElse(true))
                .filter(c -> !state.cutEnds.contains(c.a().toString()) && !state.cutEnds.contains(c.b().toString())).toList();
        return new Topology(machines, cables);
    }

    /** The gateway's console log, or the machine's serial console over its BMC (IPMI SOL). */
    @Override
    public AutoCloseable console(String machine, Consumer<String> lines) {
        synchronized (this) {
            open();
            machine(machine);
        }
        if (machine.equals(state.gateway)) {
            return gateway.consoleLog().follow("console-gateway", lines);
        }
        return power.console(machine, lines);
    }

    @Override
    public List<String> consoleTail(String machine, int lines) {
        synchronized (this) {
            machine(machine);
        }
        if (machine.equals(state.gateway)) {
            return gateway.consoleLog().tail(lines);
        }
        throw new NotApplicableException(NAME, "show the console log of " + machine,
                "a BMC keeps no console log; follow it live with console (Serial-over-LAN)");
    }

    @Override
    public synchronized void deploy(String machine, Deployment deployment) {
        open();
        machine(machine);
        if (!machine.equals(state.gateway)) {
            throw new SubstrateException("machine " + machine + " network-boots from its neighbour; only the gateway "
                    + state.gateway + " is deployed from this host");
        }
        gateway.deploy(deployment.clusterYaml());
        state.deployed = true;
        state.etcdBootstrap = deployment.etcdBootstrap();
        save();
    }

    /**
     * The gateway's agent through its control socket; a netbooted machine's through the gateway's:
     * each request goes out as {@code relay HOST REQUEST}, and the gateway's agent asks the
     * machine's agent at its host address over the mesh, TLS both ways with node certificates of
     * the cluster CA (so only the requests that read a node: status, routes, neighbours, probe; and
     * {@code port}, which the gateway's agent asks with the operator's certificate).
     * The host address is the plan's for the machine's identity, the MAC the identity rule picks
     * from its inventory NICs.
     */
    /** How long a read from the gateway's control socket may wait: beyond the relay's own bounds, so a hung agent cannot hold a caller. */
    static final Duration AGENT_READ_TIMEOUT = Duration.ofSeconds(40);

    @Override
    public AgentChannel agent(String machine) {
        String g;
        synchronized (this) {
            open();
            machine(machine);
            g = state.gateway;
            if (g == null) {
                throw new SubstrateException("no gateway has been added, so no agent can be reached");
            }
            if (!gateway.running(state.gatewayPid)) {
                throw new SubstrateException("the gateway " + g + " is powered off: no agent runs there"
                        + (machine.equals(g) ? "" : ", and " + machine + "'s agent is reached through it"));
            }
        }
        // Bounded: a relayed request takes at most the relay's 10 s to connect and 15 s to answer.
        AgentChannel local = UnixAgentChannel.connect(gateway.agentState().resolve(StatusEndpoint.SOCKET), AGENT_READ_TIMEOUT);
        return machine.equals(g) ? local : new io.kubermesh.agent.control.RelayedAgentChannel(local, host(machine));
    }

    /** The plan's host address of an inventory machine: of the MAC the identity rule picks from its NICs (named as the node OS names its ports). */
    io.kubermesh.api.Ipv6Address host(String machine) {
        List<io.kubermesh.api.MacAddress> nics = site.machine(machine).orElseThrow().nics();
        return plan.host(CablingCheck.identity(nics).orElseThrow(() -> new SubstrateException(
                "machine " + machine + " has no NIC whose MAC can name a node: " + nics)));
    }

    /**
     * The gateway: its namespace; a BMC machine: its BMC's address. Each with the cabling check's
     * lines about it ({@link #cabling(String)}).
     */
    @Override
    public Map<String, String> placement(String machine) {
        return placements(List.of(machine)).get(machine);
    }

    /**
     * {@link #placement} of each machine, with one cabling check for all: each agent is asked for
     * its neighbours once (through the gateway's relay), not once per machine whose cables end there.
     */
    @Override
    public Map<String, Map<String, String>> placements(List<String> machines) {
        synchronized (this) {
            machines.forEach(this::machine);
        }
        Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
        CablingSurvey heard = hear(machines);
        for (String machine : machines) {
            Map<String, String> p = new java.util.LinkedHashMap<>();
            if (machine.equals(state.gateway)) {
                p.put("netns", state.netns);
            } else {
                p.put("bmc", power.target(machine).address().toString());
            }
            p.putAll(heard.report(machine));
            out.put(machine, p);
        }
        return out;
    }

    /** The cabling check's lines about the gateway ({@link #cabling(String)}). */
    public Map<String, String> cabling() {
        String g;
        synchronized (this) {
            g = state.gateway;
        }
        return g == null ? Map.of() : cabling(g);
    }

    /**
     * The inventory's cables at {@code machine} against what the ports at their ends hear
     * ({@link CablingCheck}), asked of the agents of {@code machine} and of the machines the
     * inventory cables to it, each through the gateway's agent: the DHCPv6 leases a port holds
     * under the NIC MACs that netbooted through it, and its routing neighbours. Empty while the
     * gateway's agent does not run; one {@code cabling} line when it does not answer; an end whose
     * agent does not answer (yet) is judged from the other end, and a cable neither of whose ends
     * answers is {@code not known}, with why.
     */
    public Map<String, String> cabling(String machine) {
        return hear(List.of(machine)).report(machine);
    }

    /** The cabling check's survey of {@code machines}: their agents' and their cabled neighbours', each asked once. */
    private CablingSurvey hear(List<String> machines) {
        List<String> ask = new ArrayList<>();
        String g;
        java.util.Set<PortRef> cut;
        synchronized (this) {
            open();
            if (state.gateway == null || !gateway.running(state.gatewayPid)) {
                return CablingSurvey.none();
            }
            g = state.gateway;
            cut = CablingCheck.gatewayEnds(g, java.util.Set.copyOf(state.cutPorts));
            state.cutEnds.forEach(e -> cut.add(portRef(e)));
            // the gateway first: when it does not answer, no one else can be asked
            ask.add(g);
            for (String machine : machines) {
                if (!ask.contains(machine)) {
                    ask.add(machine);
                }
                for (Cable c : site.cables()) {
                    String other = c.a().machine().equals(machine) ? c.b().machine() : c.b().machine().equals(machine) ? c.a().machine() : null;
                    if (other != null && !ask.contains(other) && find(other).isPresent()) {
                        ask.add(other);
                    }
                }
            }
        }
        return CablingSurvey.ask(site, g, cut, ask, this::agent);
    }

    /**
     * Stops the gateway's agent, gives this host's NICs back under their names and removes its
     * namespace, and powers off the machines this substrate powered on. If a NIC cannot come back,
     * the namespace and the state stay, and the error says what to do before {@code down} again.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String m : new ArrayList<>(state.poweredByUs)) {
            try {
                if (m.equals(state.gateway)) {
                    gateway.stop(state.gatewayPid, Duration.ofSeconds(5));
                } else {
                    power.off(m, Duration.ZERO);
                }
            } catch (RuntimeException e) {
                LOG.warn("powering {} off: {}", m, e.toString());
            }
        }
        deleteGateway();
        BaremetalState.delete(stateDirectory);
    }

    private SitePower.Reading poweredNow(BaremetalState.Added a) {
        if (a.name.equals(state.gateway)) {
            return new SitePower.Reading(gateway.running(state.gatewayPid), Optional.empty());
        }
        return power.read(a.name);
    }

    private static boolean same(Cable c, PortRef a, PortRef b) {
        return (c.a().equals(a) && c.b().equals(b)) || (c.a().equals(b) && c.b().equals(a));
    }

    private List<String> names() {
        return site.machines().stream().map(SiteMachine::name).toList();
    }

    private Optional<BaremetalState.Added> find(String name) {
        return state.machines.stream().filter(a -> a.name.equals(name)).findFirst();
    }

    private BaremetalState.Added machine(String name) {
        return find(name).orElseThrow(() -> new SubstrateException("machine " + name + " has not been added; added: "
                + state.machines.stream().map(a -> a.name).toList()));
    }

    private void open() {
        if (closed) {
            throw new SubstrateException("this substrate is closed");
        }
    }

    private void save() {
        state.write(stateDirectory);
    }
}
