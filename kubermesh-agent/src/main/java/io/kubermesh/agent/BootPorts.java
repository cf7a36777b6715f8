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
import java.util.List;
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
public final class BootPorts implements PortListener {
    private static final Logger LOG = LoggerFactory.getLogger(BootPorts.class);

    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final String clusterYaml;
    private final Path tftpRoot;
    private final EtcdMachineDirectory directory;
    private final Enrolment enrolment;
    private NodeBoot boot;

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

    @Override
    public synchronized void started(NodeBlock n) {
        Path dir = settings.stateDirectory().resolve("boot");
        try {
            Path assets = Files.createDirectories(dir.resolve("assets"));
            boot = NodeBoot.start(new AddressPlan(spec), n.mac(), new NodeBoot.Settings(dir, tftpRoot, assets,
                    new InetSocketAddress("::", spec.boot().httpPort()), ClusterProfile.catalog(clusterYaml), enrolment,
                    directory == null ? MachineDirectory.NONE : directory));
            if (directory != null) {
                directory.localRecords(boot.machines().store()::all);
            }
        } catch (java.io.IOException | RuntimeException e) {
            LOG.error("HTTP boot service did not start: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void portUp(PortPrefix port) {
        if (boot == null || boot.served().contains(port.index())) {
            return;
        }
        try {
            List<InetSocketAddress> tftpBinds = List.of();
            if (Files.isDirectory(tftpRoot)) {
                tftpBinds = TftpServer.interfaceAddresses(port.interfaceName(), 69);
            } else {
                LOG.warn("no TFTP on port {}: {} is missing (apt-get install -y ipxe)", port.index(), tftpRoot);
            }
            boot.portUp(port.index(), port.interfaceName(), tftpBinds);
        } catch (RuntimeException e) {
            LOG.error("boot services on port {} did not start: {}", port.index(), e.getMessage());
        }
    }

    @Override
    public synchronized void portDown(PortPrefix port) {
        if (boot != null) {
            boot.portDown(port.index());
        }
    }

    @Override
    public synchronized void stopped() {
        if (boot != null) {
            boot.close();
            boot = null;
        }
    }

    /** Ports now served. */
    public synchronized Set<Integer> served() {
        return boot == null ? Set.of() : boot.served();
    }
}
