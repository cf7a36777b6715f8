package io.kubermesh.provider.libvirt;

import io.kubermesh.agent.console.ConsoleLog;
import io.kubermesh.agent.control.UnixAgentChannel;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.libvirt.LabState.StoredCable;
import io.kubermesh.provider.libvirt.LabState.StoredMachine;
import io.kubermesh.provider.libvirt.xml.DomainXml;
import io.kubermesh.spi.AgentChannel;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
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
 * Machines as libvirt domains with real UEFI firmware, cables as two-port libvirt networks. The
 * XML is {@link DomainSpecs}' and {@link CableNetworks}' business, cables {@link Cabling}'s,
 * tear-down {@link LabTeardown}'s; this class keeps the lab's state ({@code libvirt.json} in the
 * state directory, so the next CLI command attaches with {@link #open}) and turns each SPI call
 * into libvirt calls. A powered-off machine keeps its disk and NVRAM.
 */
public final class LibvirtSubstrate implements Substrate {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtSubstrate.class);
    static final int AGENT_ANSWER_SECONDS = 30;

    private final Path stateDirectory;
    private final LibvirtOptions options;
    private final LabState state;
    private final Names names;
    private final LabFiles files;
    private final Hypervisor hv;
    private final CableNetworks networks;
    private final Accelerator accelerator;
    private final DomainSpecs specs;
    private final Cabling cabling;
    private boolean closed;

    private LibvirtSubstrate(Path stateDirectory, LibvirtOptions options, LabState state, Hypervisor hv,
                             Accelerator accelerator) {
        this.stateDirectory = stateDirectory;
        this.options = options;
        this.state = state;
        this.names = new Names(state.prefix);
        this.files = new LabFiles(stateDirectory);
        this.hv = hv;
        this.networks = new CableNetworks(hv, options.uri().equals("qemu:///system")
                ? Optional.of(CableNetworks.LOCAL_RUN_STATE) : Optional.empty());
        this.accelerator = accelerator;
        this.specs = new DomainSpecs(options, names, files, stateDirectory);
        this.cabling = new Cabling(state, options, names, hv, networks, specs);
    }

    /**
     * A new lab in {@code config.stateDirectory()}, or the one already there. Starts virtlogd and
     * libvirtd for {@code qemu:///system} when they are not running (and {@link #close} stops
     * them again); brings the lab's networks up if the host rebooted since.
     */
    public static LibvirtSubstrate open(SubstrateConfig config) {
        LibvirtOptions options = LibvirtOptions.of(config);
        Path dir = config.stateDirectory().toAbsolutePath();
        LabState existing = LabState.read(dir);
        LabState state = existing != null ? existing : new LabState();
        if (existing != null && (!existing.prefix.equals(options.prefix()) || !existing.uri.equals(options.uri()))) {
            throw new SubstrateException("the lab in " + dir + " uses prefix " + existing.prefix + " on " + existing.uri
                    + ", not " + options.prefix() + " on " + options.uri());
        }
        state.prefix = options.prefix();
        state.uri = options.uri();
        if (options.uri().equals("qemu:///system")) {
            LibvirtDaemons.Started started = LibvirtDaemons.ensureRunning(Duration.ofSeconds(30));
            state.virtlogdPid = started.virtlogd() != 0 ? started.virtlogd() : state.virtlogdPid;
            state.libvirtdPid = started.libvirtd() != 0 ? started.libvirtd() : state.libvirtdPid;
        }
        Hypervisor hv = Hypervisor.open(options.uri());
        LibvirtSubstrate s;
        try {
            Accelerator accel = Accelerator.choose(options.accel(), hv.capabilities(),
                    () -> KvmFirmwareProbe.failure(options.firmware(), options.nvramTemplate()));
            if (accel.kvm() || options.accel() == LibvirtOptions.Accel.TCG) {
                LOG.info("libvirt substrate on {}: {}", options.uri(), accel.reason());
            } else {
                LOG.warn("libvirt substrate on {}: {}", options.uri(), accel.reason());
            }
            s = new LibvirtSubstrate(dir, options, state, hv, accel);
            s.files.create();
            s.save();
            if (!state.idleNetwork) {
                s.networks.create(s.names.idleNetwork());
                state.idleNetwork = true;
                s.save();
            }
            s.networks.ensureActive(s.names.idleNetwork());
            for (StoredCable c : state.cables) {
                s.networks.ensureActive(s.names.cableNetwork(c.id));
            }
        } catch (RuntimeException e) {
            if (existing == null) {
                new LibvirtSubstrate(dir, options, state, hv, new Accelerator(false, "")).close();
            } else {
                hv.close();
            }
            throw e;
        }
        return s;
    }

    /** Which accelerator the lab's VMs use and why: KVM, or TCG with the reason KVM is not usable. */
    public String accelerator() {
        return accelerator.reason();
    }

    /** The libvirt domain of a machine ({@code virsh console NAME} attaches to its serial console). */
    public String domainName(String machine) {
        synchronized (this) {
            state.machine(machine);
        }
        return names.domain(machine);
    }

    /** The file the machine's serial console is logged to. */
    public Path consoleLog(String machine) {
        return files.consoleLog(machine);
    }

    /**
     * The host end of the machine's agent channel: a unix socket that connects to the virtio-serial
     * port {@code io.kubermesh.agent.0} in the guest while the machine runs.
     */
    public Path agentSocket(String machine) {
        return files.agentSocket(machine);
    }

    @Override
    public synchronized void addMachine(MachineSpec spec) {
        open();
        new Topology.Machine(spec.name(), spec.nics().size());
        if (state.find(spec.name()).isPresent()) {
            throw new SubstrateException("a machine named " + spec.name() + " exists already");
        }
        String domain = names.domain(spec.name());
        if (hv.domainExists(domain)) {
            throw new SubstrateException("domain " + domain + " exists but is not part of this lab; remove it with `virsh "
                    + "destroy " + domain + "; virsh undefine --nvram " + domain + "` if it is a leftover");
        }
        options.hostPorts().stream().filter(h -> h.machine().equals(spec.name()) && h.port() >= spec.nics().size())
                .findFirst().ifPresent(h -> {
                    throw new SubstrateException("libvirt.hostPorts gives " + h.deviceText() + " to port " + h.port()
                            + " of " + spec.name() + ", which has ports 0.." + (spec.nics().size() - 1));
                });
        if (state.nextMachine > Names.MAX_MACHINE_INDEX) {
            throw new SubstrateException("this lab has added " + Names.MAX_MACHINE_INDEX + " machines, the most its tap names allow");
        }
        StoredMachine m = new StoredMachine();
        m.name = spec.name();
        m.index = state.nextMachine;
        spec.nics().forEach(n -> m.nics.add(n.toString()));
        m.netboot = spec.netboot();
        m.kvm = accelerator.kvm();
        m.deployImage = !spec.netboot() && options.deployImage().isPresent();
        files.createMachine(m.name, options.diskGiB());
        try {
            if (m.deployImage) {
                files.copyDeployImage(m.name, options.deployImage().get());
            } else if (!spec.netboot()) {
                LOG.info("machine {} is deployed but libvirt.deployImage is not set: it starts blank", m.name);
            }
            hv.defineDomain(domain, DomainXml.render(specs.of(m, state.cables)));
        } catch (RuntimeException e) {
            files.removeMachine(m.name);
            throw e;
        }
        state.nextMachine++;
        state.machines.add(m);
        save();
        LOG.info("machine {} added (domain {}, {} ports, {})", m.name, domain, m.nics.size(),
                m.kvm ? "KVM" : "TCG");
    }

    @Override
    public synchronized void cable(PortRef a, PortRef b) {
        open();
        cabling.connect(a, b);
        save();
    }

    @Override
    public synchronized void cut(PortRef a, PortRef b) {
        open();
        cabling.disconnect(a, b);
        save();
    }

    @Override
    public synchronized void powerOn(String machine) {
        open();
        StoredMachine m = state.machine(machine);
        String domain = names.domain(machine);
        if (hv.isActive(domain)) {
            return;
        }
        long t0 = System.nanoTime();
        hv.start(domain);
        hostTakesNoPart(m);
        LOG.info("machine {} powered on ({} ms, {})", machine, (System.nanoTime() - t0) / 1_000_000,
                m.kvm ? "KVM" : "TCG");
    }

    /**
     * Turns IPv6 off on the host side of the machine's taps, which libvirt has just made: with it
     * on, the host sends router solicitations and MLD reports from each tap's link-local address
     * into the machine's links, and the mesh's boot services would answer the host. The bridges
     * have it off already (libvirt's isolated networks without an address).
     */
    private void hostTakesNoPart(StoredMachine m) {
        for (int port = 0; port < m.nics.size(); port++) {
            if (options.hostPort(m.name, port).isPresent()) {
                continue; // a host NIC (macvtap) or USB adapter: the VM's link to real hardware, not a lab cable
            }
            String tap = names.tap(m.index, port);
            Path knob = Path.of("/proc/sys/net/ipv6/conf", tap, "disable_ipv6");
            if (!java.nio.file.Files.exists(knob)) {
                continue; // not made (yet)
            }
            try {
                java.nio.file.Files.writeString(knob, "1");
            } catch (java.io.IOException e) {
                throw new SubstrateException("cannot turn IPv6 off on tap " + tap + " of " + m.name + ": " + e.getMessage(), e);
            }
        }
    }

    /** Pulls the power: the VM stops at once; disk, NVRAM and cables stay. */
    @Override
    public synchronized void powerOff(String machine) {
        open();
        state.machine(machine);
        hv.destroy(names.domain(machine));
        LOG.info("machine {} powered off", machine);
    }

    /**
     * An orderly power off: the ACPI power button, {@code grace} for the guest to stop, then the
     * power as with {@link #powerOff}. Firmware without an OS ignores the button.
     */
    public synchronized void shutdown(String machine, Duration grace) {
        open();
        state.machine(machine);
        if (!hv.shutdown(names.domain(machine), grace)) {
            LOG.warn("machine {} still running {} ms after the power button; cutting the power", machine, grace.toMillis());
            hv.destroy(names.domain(machine));
        }
    }

    @Override
    public synchronized void removeMachine(String machine) {
        open();
        StoredMachine m = state.machine(machine);
        String domain = names.domain(machine);
        if (hv.isActive(domain)) {
            throw new SubstrateException("machine " + machine + " is powered on; power it off before removing it");
        }
        for (StoredCable c : new ArrayList<>(state.cables)) {
            if (c.a.equals(machine) || c.b.equals(machine)) {
                cut(new PortRef(c.a, c.aPort), new PortRef(c.b, c.bPort));
            }
        }
        hv.undefine(domain);
        files.removeMachine(machine);
        files.removeQemuLog(domain);
        state.machines.remove(m);
        save();
    }

    @Override
    public synchronized List<MachineStatus> machines() {
        List<MachineStatus> out = new ArrayList<>();
        for (StoredMachine m : state.machines) {
            List<MacAddress> nics = new ArrayList<>();
            m.nics.forEach(n -> nics.add(MacAddress.parse(n)));
            out.add(new MachineStatus(m.name, !closed && hv.isActive(names.domain(m.name)), nics, m.netboot));
        }
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

    /**
     * Whether the port's NIC has its link up in the running VM: the carrier its guest sees. False
     * for a powered-off machine and for a port without a cable.
     */
    public synchronized boolean linkUp(PortRef port) {
        open();
        StoredMachine m = state.port(port);
        String domain = names.domain(m.name);
        return hv.isActive(domain) && DomainXmlReader.linkUp(hv.domainXml(domain, false), MacAddress.parse(m.nics.get(port.port())));
    }

    @Override
    public AutoCloseable console(String machine, Consumer<String> lines) {
        synchronized (this) {
            state.machine(machine);
        }
        return new ConsoleLog(files.consoleLog(machine)).follow("console-" + machine, lines);
    }

    /**
     * Accepts the deployed machine's USB image for this lab: the image carries the cluster file and
     * the first machine's role itself (kubermesh image build puts them on its data partition), so
     * deploying checks that it is the image built for {@code deployment}'s cluster file (its
     * {@code manifest.json} names the file's SHA-256) and that the machine is the one that
     * starts etcd. Nothing is written into the image.
     */
    @Override
    public synchronized void deploy(String machine, Deployment deployment) {
        open();
        StoredMachine m = state.machine(machine);
        if (m.netboot) {
            throw new SubstrateException(machine + " network-boots; only a deployed machine is given a cluster file");
        }
        Path image = options.deployImage().orElseThrow(() -> new SubstrateException("cannot deploy " + machine
                + ": no image to boot it from; give option " + SubstrateConfig.NODE_IMAGE + "=DIR (the output of "
                + "`kubermesh image build --config CLUSTER.yaml --output DIR`) or libvirt.deployImage=DIR/usb.img"));
        if (!deployment.etcdBootstrap()) {
            throw new SubstrateException("cannot deploy " + machine + " as a machine that joins an existing cluster: "
                    + image + " is a first machine's image (it starts the cluster's etcd)");
        }
        String built = DeployManifest.clusterSha256(image.resolveSibling("manifest.json"));
        String wanted = DeployManifest.sha256(deployment.clusterYaml());
        if (!built.equals(wanted)) {
            throw new SubstrateException("cannot deploy " + machine + ": " + image + " was built for another cluster file "
                    + "(sha256 " + built + ", this lab's is " + wanted + "); build it again with this lab's: "
                    + "`kubermesh image build --config CLUSTER.yaml --output " + image.getParent() + "`");
        }
        // Read before the machine is marked deployed: a cluster file that does not parse changes nothing.
        Optional<String> tcgWarning = accelerator.kvm() ? Optional.empty()
                : tcgTimers(io.kubermesh.addressing.config.ClusterConfig.parse(deployment.clusterYaml(), "the lab's cluster file")
                        .routing());
        m.deployed = true;
        save();
        LOG.info("machine {} deployed from {} (the cluster file's sha256 {})", machine, image, wanted);
        tcgWarning.ifPresent(LOG::warn);
    }

    /** The least failure detection time, BFD's and OSPF's, that VMs emulated by TCG on a small host were seen to hold. */
    static final Duration TCG_LEAST_DETECTION = Duration.ofSeconds(3);

    /**
     * Why {@code routing}'s failure detection is too tight for VMs under TCG, if it is: with the
     * seed's BFD (100 ms x 3) three TCG VMs on two cores flapped their adjacencies every 2-11 s
     * (LibvirtLabIT in a full test run), so routes were caught between flaps; BFD 500 ms x 6 and
     * OSPF dead 8 s held.
     */
    static Optional<String> tcgTimers(io.kubermesh.api.RoutingSpec routing) {
        Duration bfd = routing.bfdInterval().multipliedBy(routing.bfdMultiplier());
        if (bfd.compareTo(TCG_LEAST_DETECTION) >= 0 && routing.dead().compareTo(TCG_LEAST_DETECTION) >= 0) {
            return Optional.empty();
        }
        return Optional.of("the VMs run under TCG (emulated, about 10x slower than KVM) and the cluster file's failure"
                + " detection is tight for them: BFD " + routing.bfdInterval().toMillis() + " ms x " + routing.bfdMultiplier()
                + " (" + bfd.toMillis() + " ms), OSPF dead " + routing.dead().toMillis() + " ms; emulated VMs on a small host"
                + " miss packets for longer and adjacencies flap. For a TCG lab give the cluster file"
                + " `routing: { ..., dead: 8s, bfd: { interval: 500ms, multiplier: 6 } }`");
    }

    /**
     * The agent of a running VM, through the host end of its virtio-serial port. The socket
     * accepts a connection while the guest is still in its firmware, so a question that gets no
     * answer in {@value #AGENT_ANSWER_SECONDS} s fails. The port is one stream across
     * connections: an answer written after an earlier connection gave up comes out of this one,
     * so the channel first reads past such answers ({@link UnixAgentChannel#connectSkippingStale}).
     */
    @Override
    public AgentChannel agent(String machine) {
        synchronized (this) {
            open();
            state.machine(machine);
            if (!hv.isActive(names.domain(machine))) {
                throw new SubstrateException("machine " + machine + " is powered off: no agent runs there");
            }
        }
        UnixAgentChannel channel = UnixAgentChannel.connectSkippingStale(files.agentSocket(machine),
                Duration.ofSeconds(AGENT_ANSWER_SECONDS));
        if (channel.skipped() > 0) {
            LOG.info("agent of {}: passed over {} answer(s) to questions an earlier connection gave up on",
                    machine, channel.skipped());
        }
        return channel;
    }

    /**
     * From power-on to an answering agent: UEFI, a PXE boot over IPv6, iPXE, the node OS's
     * kernel, its install to disk and its agent; 4 minutes under KVM, 12 under TCG (measured
     * 3.3 min for a netboot with install, one VM on 2 cores).
     */
    @Override
    public Duration bootTimeout() {
        return accelerator.kvm() ? Duration.ofMinutes(4) : Duration.ofMinutes(12);
    }

    /** {@code domain} (for {@code virsh console}) and {@code accel}. */
    @Override
    public Map<String, String> placement(String machine) {
        return Map.of("domain", domainName(machine), "accel", accelerator.kvm() ? "KVM" : "TCG");
    }

    /** The end of the serial console virtlogd logged, so a machine that does not join shows why. */
    @Override
    public List<String> consoleTail(String machine, int lines) {
        synchronized (this) {
            state.machine(machine);
        }
        return new ConsoleLog(files.consoleLog(machine)).tail(lines);
    }

    /**
     * Tears the lab down: every domain (stopped, undefined with its NVRAM), every network and
     * file it made, its state, and the daemons it started, unless something that is not this
     * lab's now runs on them. Never throws; what it could not remove it logs.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        new LabTeardown(state, names, hv, networks, files, stateDirectory).run();
        hv.close();
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
