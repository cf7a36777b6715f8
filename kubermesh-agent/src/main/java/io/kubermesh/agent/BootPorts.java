package io.kubermesh.agent;

import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.PortBoot;
import io.kubermesh.boot.http.BootHttpServer;
import io.kubermesh.boot.http.IngressResolver;
import io.kubermesh.boot.machine.ClusterProfile;
import io.kubermesh.boot.machine.MachineDirectory;
import io.kubermesh.boot.machine.MachineService;
import io.kubermesh.boot.machine.MachineStore;
import io.kubermesh.boot.tftp.TftpServer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves network boot on every mesh port (ARCHITECTURE.md, "Network boot"): router
 * advertisements and DHCPv6 from the port's pool, TFTP of the iPXE binaries, and HTTP for the
 * iPXE chain, Ignition and phone-home, so whatever is plugged into a port boots from this node.
 * RA, DHCPv6 and TFTP run per port, started when the port comes up and closed when it goes;
 * leases are kept per port under {@code STATE/boot/dhcp6/portI} and survive restarts. One HTTP
 * server serves every port; its machine records live under {@code STATE/boot/machines}. Every
 * machine gets the {@code kubermesh} profile, whose Ignition config carries this cluster's YAML
 * (the same file this agent runs with), so what boots here joins this cluster.
 */
public final class BootPorts implements PortListener, StatusContributor {
    private static final Logger LOG = LoggerFactory.getLogger(BootPorts.class);

    private final ClusterSpec spec;
    private final AgentSettings settings;
    private final Map<Integer, PortBoot> served = new TreeMap<>();
    private final String clusterYaml;
    private final Path tftpRoot;
    private final EtcdMachineDirectory directory;
    private io.kubermesh.boot.machine.Enrolment enrolment = io.kubermesh.boot.machine.Enrolment.OPEN;
    private BootHttpServer http;
    private NodeBlock node;
    private final ComponentHealth httpHealth = new ComponentHealth("boot/http", Clock.systemUTC());
    /** Per served or failed port; a port that goes away leaves. */
    private final Map<Integer, ComponentHealth> portHealth = new TreeMap<>();

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
        this.directory = directory;
        this.spec = spec;
        this.settings = settings;
        this.clusterYaml = clusterYaml;
        this.tftpRoot = tftpRoot;
    }

    /** The cluster's enrolment (default {@code Enrolment.OPEN}); set before the agent starts. */
    public BootPorts withEnrolment(io.kubermesh.boot.machine.Enrolment e) {
        this.enrolment = e;
        return this;
    }

    @Override
    public synchronized void started(NodeBlock n) {
        this.node = n;
        Path dir = settings.stateDirectory().resolve("boot");
        try {
            Path assets = Files.createDirectories(dir.resolve("assets"));
            MachineStore store = new MachineStore(dir.resolve("machines"));
            if (directory != null) {
                directory.localRecords(store::all);
            }
            MachineService machines = new MachineService(store, ClusterProfile.catalog(clusterYaml), Clock.systemUTC(),
                    directory == null ? MachineDirectory.NONE : directory, enrolment);
            http = new BootHttpServer(IngressResolver.fromPlan(spec), machines, assets, tftpRoot,
                    new InetSocketAddress("::", spec.boot().httpPort()));
            httpHealth.running("port " + spec.boot().httpPort());
        } catch (java.io.IOException | RuntimeException e) {
            httpHealth.failed("HTTP boot service did not start: " + e.getMessage());
            LOG.error("HTTP boot service did not start: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void portUp(PortPrefix port) {
        if (node == null || served.containsKey(port.index())) {
            return;
        }
        Path leases = settings.stateDirectory().resolve("boot").resolve("dhcp6").resolve("port" + port.index());
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
            served.put(port.index(), PortBoot.start(spec, node.mac(), port.index(), port.interfaceName(), leases,
                    tftpRoot, tftpBinds));
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
        List<ComponentStatus> out = new java.util.ArrayList<>();
        synchronized (this) {
            out.add(httpHealth.view());
            portHealth.values().forEach(h -> out.add(h.view()));
        }
        return status.withComponents(out);
    }

    @Override
    public synchronized void portDown(PortPrefix port) {
        close(port.index());
    }

    private void close(int index) {
        portHealth.remove(index);
        PortBoot p = served.remove(index);
        if (p != null) {
            p.close();
        }
    }

    @Override
    public synchronized void stopped() {
        for (int i : new java.util.ArrayList<>(served.keySet())) {
            close(i);
        }
        if (http != null) {
            http.close();
            http = null;
        }
        httpHealth.off("the agent stopped");
    }

    /** Ports now served. */
    public synchronized java.util.Set<Integer> served() {
        return java.util.Set.copyOf(served.keySet());
    }
}
