package io.kubermesh.agent;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.NodeBoot;
import io.kubermesh.boot.machine.ClusterProfile;
import io.kubermesh.boot.machine.Enrolment;
import io.kubermesh.boot.machine.MachineDirectory;
import io.kubermesh.boot.tftp.TftpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves network boot on every mesh port (ARCHITECTURE.md, "Network boot") through the node's
 * {@link NodeBoot}: HTTP from the node's start, and RA, DHCPv6 and TFTP on each port while it is
 * up, so whatever is plugged into a port boots from this node. State lives under
 * {@code STATE/boot} (machine records, per-port leases, assets) and survives restarts. Every
 * machine gets the {@code kubermesh} profile, whose Ignition config carries this cluster's YAML
 * (the same file this agent runs with), so what boots here joins this cluster; the
 * {@link Enrolment} decides who may (the trust work supplies the cluster's policy).
 */
public final class BootPorts implements PortListener, StatusContributor {
    private static final Logger LOG = LoggerFactory.getLogger(BootPorts.class);

    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final String clusterYaml;
    private final Path tftpRoot;
    private final EtcdMachineDirectory directory;
    private Enrolment enrolment;
    private NodeBoot boot;
    private final ComponentHealth httpHealth = new ComponentHealth("boot/http", Clock.systemUTC());
    /** Per served or failed port; a port that goes away leaves. */
    /** Changed under this object's lock, read without it by the status. */
    private final Map<Integer, ComponentHealth> portHealth = new java.util.concurrent.ConcurrentSkipListMap<>();

    /** Where, under the agent's state directory, the boot services' HTTP assets are ({@code kubermesh/vmlinuz}, ...). */
    public static final String ASSETS = "boot/assets";

    /**
     * @param clusterYaml the cluster file's text, handed to booting machines in their Ignition config
     * @param tftpRoot the TFTP root: Debian's ipxe package puts snponly.efi and undionly.kpxe in /usr/lib/ipxe
     */
    public BootPorts(ClusterSpec spec, AgentSettings settings, String clusterYaml, Path tftpRoot) {
        this(spec, settings, clusterYaml, tftpRoot, null);
    }

    /**
     * As above, sharing machine records through {@code directory} (etcd, once the control plane
     * attaches it; {@code null} shares nothing).
     */
    public BootPorts(ClusterSpec spec, AgentSettings settings, String clusterYaml, Path tftpRoot,
                     EtcdMachineDirectory directory) {
        this(spec, settings, clusterYaml, tftpRoot, directory, Enrolment.OPEN);
    }

    /** As above, admitting machines as {@code enrolment} says. */
    public BootPorts(ClusterSpec spec, AgentSettings settings, String clusterYaml, Path tftpRoot,
                     EtcdMachineDirectory directory, Enrolment enrolment) {
        this.spec = spec;
        this.settings = settings;
        this.clusterYaml = clusterYaml;
        this.tftpRoot = tftpRoot;
        this.directory = directory;
        this.enrolment = enrolment;
    }

    /** The cluster's enrolment (default {@code Enrolment.OPEN}); set before the agent starts. */
    public BootPorts withEnrolment(Enrolment e) {
        this.enrolment = e;
        return this;
    }

    @Override
    public synchronized void started(NodeBlock n) {
        Path dir = settings.stateDirectory().resolve("boot");
        try {
            Path assets = Files.createDirectories(settings.stateDirectory().resolve(ASSETS));
            boot = NodeBoot.start(new AddressPlan(spec), n.mac(), new NodeBoot.Settings(dir, tftpRoot, assets,
                    new InetSocketAddress("::", spec.boot().httpPort()), ClusterProfile.catalog(clusterYaml), enrolment,
                    directory == null ? MachineDirectory.NONE : directory));
            if (directory != null) {
                directory.localRecords(boot.machines().store()::all);
            }
            httpHealth.running("port " + spec.boot().httpPort());
        } catch (java.io.IOException | RuntimeException e) {
            httpHealth.failed("HTTP boot service did not start: " + e.getMessage());
            LOG.error("HTTP boot service did not start: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void portUp(PortPrefix port) {
        if (boot == null || boot.served().contains(port.index())) {
            return;
        }
        ComponentHealth health = portHealth.computeIfAbsent(port.index(),
                i -> new ComponentHealth("boot/" + port.interfaceName(), Clock.systemUTC()));
        try {
            List<InetSocketAddress> tftpBinds = List.of();
            // The boot loaders are what a booting machine needs from this port: without them RA
            // and DHCPv6 still run, but the port is failed, saying what to install.
            List<Preflight.Missing> missing = Preflight.missing(Preflight.boot(spec, tftpRoot));
            if (Files.isDirectory(tftpRoot)) {
                tftpBinds = TftpServer.interfaceAddresses(port.interfaceName(), 69);
            }
            boot.portUp(port.index(), port.interfaceName(), tftpBinds);
            if (missing.isEmpty()) {
                health.running("RA, DHCPv6, TFTP on " + port.thisEnd());
            } else {
                String error = "no boot loader to hand out: " + missing.get(0).reason() + "; to fix: " + Preflight.remedy(missing);
                health.failed(error);
                LOG.error("boot services on port {}: {}", port.index(), error);
            }
        } catch (RuntimeException e) {
            health.failed("boot services did not start: " + e.getMessage());
            LOG.error("boot services on port {} did not start: {}", port.index(), e.getMessage());
        }
    }

    @Override
    public List<Preflight.Need> requirements() {
        return Preflight.boot(spec, tftpRoot);
    }

    @Override
    public NodeStatus contribute(NodeStatus status) {
        // Without this object's lock: a port being set up (its servers starting) must not hold the status back.
        List<ComponentStatus> out = new java.util.ArrayList<>();
        out.add(httpHealth.view());
        portHealth.values().forEach(h -> out.add(h.view()));
        return status.withComponents(out);
    }

    @Override
    public synchronized void portDown(PortPrefix port) {
        portHealth.remove(port.index());
        if (boot != null) {
            boot.portDown(port.index());
        }
    }

    /**
     * A cable that loses carrier (or goes away with its link) takes its machine away: the
     * addresses leased there may go to the next machine plugged in. An agent that stops, or a
     * port it stops serving, says nothing of the cable: that changes no lease.
     */
    @Override
    public synchronized void carrierChanged(PortPrefix port, boolean carrier) {
        if (!carrier && boot != null) {
            cableGone(port);
        }
    }

    private void cableGone(PortPrefix port) {
        try {
            boot.cableGone(port.index());
        } catch (RuntimeException e) {
            LOG.warn("boot services on port {}: the cable is gone, but its leases stay: {}", port.index(), e.toString());
        }
    }

    @Override
    public synchronized void stopped() {
        if (boot != null) {
            boot.close();
            boot = null;
        }
        httpHealth.off("the agent stopped");
    }

    /** The MACs of the machines holding a DHCPv6 lease on port {@code index} now; empty when it is not served. */
    public List<String> clients(int index) {
        io.kubermesh.boot.NodeBoot b;
        synchronized (this) {
            b = boot;
        }
        if (b == null) {
            return List.of();
        }
        return b.port(index).map(p -> p.clients(java.time.Instant.now()).stream().map(Object::toString).toList())
                .orElse(List.of());
    }

    /** Ports now served. */
    public synchronized Set<Integer> served() {
        return boot == null ? Set.of() : boot.served();
    }
}
