package io.kubermesh.provider.libvirt;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.libvirt.LabState.StoredCable;
import io.kubermesh.provider.libvirt.LabState.StoredMachine;
import io.kubermesh.provider.libvirt.xml.DomainXml;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Machines as libvirt domains with real UEFI firmware, cables as two-port libvirt networks. The
 * XML is {@link DomainSpecs}' and {@link CableNetworks}' business; this class keeps the lab's
 * state ({@code libvirt.json} in the state directory, so the next CLI command attaches with
 * {@link #open}) and turns each SPI call into libvirt calls.
 *
 * <p>A cable is cut by setting both ends' links down and moving them to the idle network, then
 * removing the cable's network; it is made by creating the network and moving both NICs onto it
 * with their links up. Both happen in the running VMs and in their definitions at once, so they
 * hold across power cycles. A powered-off machine keeps its disk and NVRAM.
 */
public final class LibvirtSubstrate implements Substrate {
    private static final Logger LOG = LoggerFactory.getLogger(LibvirtSubstrate.class);

    private final Path stateDirectory;
    private final LibvirtOptions options;
    private final LabState state;
    private final Names names;
    private final LabFiles files;
    private final Hypervisor hv;
    private final CableNetworks networks;
    private final Accelerator accelerator;
    private final DomainSpecs specs;
    private boolean closed;

    private LibvirtSubstrate(Path stateDirectory, LibvirtOptions options, LabState state, Hypervisor hv,
                             Accelerator accelerator) {
        this.stateDirectory = stateDirectory;
        this.options = options;
        this.state = state;
        this.names = new Names(state.prefix);
        this.files = new LabFiles(stateDirectory);
        this.hv = hv;
        this.networks = new CableNetworks(hv);
        this.accelerator = accelerator;
        this.specs = new DomainSpecs(options, names, files, stateDirectory);
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
            Accelerator accel = Accelerator.choose(options.accel(), hv.capabilities());
            LOG.info("libvirt substrate on {}: {}", options.uri(), accel.reason());
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
            machine(machine);
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
        if (find(spec.name()).isPresent()) {
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
        StoredMachine ma = port(a);
        StoredMachine mb = port(b);
        if (a.machine().equals(b.machine())) {
            throw new SubstrateException("a cable joins two different machines, not " + a + " and " + b);
        }
        for (PortRef end : List.of(a, b)) {
            cableAt(end).ifPresent(c -> {
                throw new SubstrateException("port " + end + " already has a cable (" + c.a + ":" + c.aPort + "-" + c.b
                        + ":" + c.bPort + ")");
            });
            options.hostPort(end.machine(), end.port()).ifPresent(h -> {
                throw new SubstrateException("port " + end + " is the host's " + h.deviceText() + " (libvirt.hostPorts); it takes no cable");
            });
        }
        if (state.nextCable > Names.MAX_CABLE_ID) {
            throw new SubstrateException("this lab has made " + Names.MAX_CABLE_ID + " cables, the most its bridge names allow");
        }
        StoredCable c = new StoredCable();
        c.id = state.nextCable;
        c.a = a.machine();
        c.aPort = a.port();
        c.b = b.machine();
        c.bPort = b.port();
        String network = names.cableNetwork(c.id);
        networks.create(network);
        state.nextCable++;
        state.cables.add(c);
        try {
            plug(ma, a.port());
            plug(mb, b.port());
        } catch (RuntimeException e) {
            state.cables.remove(c);
            unplugQuietly(ma, a.port());
            unplugQuietly(mb, b.port());
            networks.remove(network);
            save();
            throw e;
        }
        save();
        LOG.info("cable {} - {} (network {})", a, b, network);
    }

    @Override
    public synchronized void cut(PortRef a, PortRef b) {
        open();
        StoredCable c = cableAt(a).filter(x -> touches(x, b))
                .orElseThrow(() -> new SubstrateException("there is no cable between " + a + " and " + b));
        state.cables.remove(c);
        plug(machine(c.a), c.aPort);
        plug(machine(c.b), c.bPort);
        networks.remove(names.cableNetwork(c.id));
        save();
        LOG.info("cable {} - {} cut", a, b);
    }

    @Override
    public synchronized void powerOn(String machine) {
        open();
        StoredMachine m = machine(machine);
        String domain = names.domain(machine);
        if (hv.isActive(domain)) {
            return;
        }
        long t0 = System.nanoTime();
        hv.start(domain);
        LOG.info("machine {} powered on ({} ms, {})", machine, (System.nanoTime() - t0) / 1_000_000,
                m.kvm ? "KVM" : "TCG");
    }

    /** Pulls the power: the VM stops at once; disk, NVRAM and cables stay. */
    @Override
    public synchronized void powerOff(String machine) {
        open();
        machine(machine);
        hv.destroy(names.domain(machine));
        LOG.info("machine {} powered off", machine);
    }

    /**
     * An orderly power off: the ACPI power button, {@code grace} for the guest to stop, then the
     * power as with {@link #powerOff}. Firmware without an OS ignores the button.
     */
    public synchronized void shutdown(String machine, Duration grace) {
        open();
        machine(machine);
        if (!hv.shutdown(names.domain(machine), grace)) {
            LOG.warn("machine {} still running {} ms after the power button; cutting the power", machine, grace.toMillis());
            hv.destroy(names.domain(machine));
        }
    }

    @Override
    public synchronized void removeMachine(String machine) {
        open();
        StoredMachine m = machine(machine);
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
        StoredMachine m = port(port);
        String domain = names.domain(m.name);
        return hv.isActive(domain) && DomainXmlReader.linkUp(hv.domainXml(domain, false), MacAddress.parse(m.nics.get(port.port())));
    }

    @Override
    public AutoCloseable console(String machine, Consumer<String> lines) {
        synchronized (this) {
            machine(machine);
        }
        return ConsoleFollower.follow(files.consoleLog(machine), machine, lines);
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
        List<String> ours = new ArrayList<>();
        for (StoredMachine m : state.machines) {
            String domain = names.domain(m.name);
            ours.add(domain);
            quietly("remove domain " + domain, () -> {
                if (hv.domainExists(domain)) {
                    hv.destroy(domain);
                    hv.undefine(domain);
                }
            });
        }
        for (StoredCable c : state.cables) {
            ours.add(names.cableNetwork(c.id));
            quietly("remove network " + names.cableNetwork(c.id), () -> networks.remove(names.cableNetwork(c.id)));
        }
        if (state.idleNetwork) {
            ours.add(names.idleNetwork());
            quietly("remove network " + names.idleNetwork(), () -> networks.remove(names.idleNetwork()));
        }
        quietly("remove " + files.root(), files::removeAll);
        state.machines.clear();
        state.cables.clear();
        quietly("remove the lab state", () -> LabState.delete(stateDirectory));
        stopDaemons(ours);
        hv.close();
    }

    private void stopDaemons(List<String> ours) {
        if (state.libvirtdPid == 0 && state.virtlogdPid == 0) {
            return;
        }
        List<String> others = new ArrayList<>();
        quietly("list what else libvirtd runs", () -> {
            hv.domains().stream().filter(d -> !ours.contains(d)).forEach(others::add);
            hv.networks().stream().filter(n -> !ours.contains(n) && !n.equals("default")).forEach(others::add);
        });
        if (!others.isEmpty()) {
            LOG.info("leaving libvirtd (pid {}) running: it holds {} that this lab did not create", state.libvirtdPid, others);
            return;
        }
        LibvirtDaemons.stop(state.libvirtdPid, "libvirtd");
        LibvirtDaemons.stop(state.virtlogdPid, "virtlogd");
    }

    /** Points a port's NIC at its cable's network with the link up, or at the idle network with the link down. */
    private void plug(StoredMachine m, int port) {
        hv.updateDevice(names.domain(m.name), DomainXml.networkInterface(specs.of(m, state.cables), port));
    }

    private void unplugQuietly(StoredMachine m, int port) {
        quietly("return " + m.name + ":" + port + " to the idle network", () -> plug(m, port));
    }

    private static void quietly(String what, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("could not {}: {}", what, e.getMessage());
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

    private Optional<StoredMachine> find(String name) {
        return state.machines.stream().filter(m -> m.name.equals(name)).findFirst();
    }

    private StoredMachine machine(String name) {
        return find(name).orElseThrow(() -> new SubstrateException("there is no machine " + name + " in this lab; it has "
                + state.machines.stream().map(m -> m.name).toList()));
    }

    private StoredMachine port(PortRef ref) {
        StoredMachine m = machine(ref.machine());
        if (ref.port() < 0 || ref.port() >= m.nics.size()) {
            throw new SubstrateException("machine " + ref.machine() + " has ports 0.." + (m.nics.size() - 1) + ", not " + ref.port());
        }
        return m;
    }

    private Optional<StoredCable> cableAt(PortRef end) {
        return state.cables.stream().filter(c -> touches(c, end)).findFirst();
    }

    private static boolean touches(StoredCable c, PortRef end) {
        return (c.a.equals(end.machine()) && c.aPort == end.port()) || (c.b.equals(end.machine()) && c.bPort == end.port());
    }
}
