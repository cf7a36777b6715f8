package io.kubermesh.boot;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.http.BootHttpServer;
import io.kubermesh.boot.http.NodePorts;
import io.kubermesh.boot.machine.Enrolment;
import io.kubermesh.boot.machine.MachineDirectory;
import io.kubermesh.boot.machine.MachineService;
import io.kubermesh.boot.machine.MachineStore;
import io.kubermesh.boot.machine.ProfileCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The boot services of one node, composed once (ARCHITECTURE.md, "Network boot"): the HTTP boot
 * service shared by every port, and per port that is up a {@link PortBoot} (router
 * advertisements, DHCPv6, TFTP). The node agent and {@code kubermesh boot serve} both run one.
 *
 * <p>Every component gets the node's {@link AddressPlan} or the {@link PortPrefix} it serves; the
 * HTTP service judges a request by the port of this node it came in on ({@link NodePorts}, kept
 * in step with the ports up), gives the machine API to this node's own host address and loopback
 * only, and asks the {@link Enrolment} who may join. State lives under {@link Settings#stateDirectory()}:
 * machine records and secrets in {@code machines/}, each port's leases in {@code dhcp6/portI}.
 */
public final class NodeBoot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodeBoot.class);

    /**
     * What a node's boot services run with.
     *
     * @param stateDirectory machine records, secrets and leases ({@code STATE/boot})
     * @param tftpRoot the iPXE binaries (TFTP, and HTTP boot at the top level); Debian's ipxe package puts them in /usr/lib/ipxe
     * @param assets public files under {@code /assets/}: kernels, initrds
     * @param httpBind where HTTP listens ({@code [::]:8080})
     * @param catalog groups and profiles
     * @param enrolment who may join, and their credentials ({@link Enrolment#OPEN} on its own)
     * @param directory machine records shared with other nodes ({@link MachineDirectory#NONE} on its own)
     */
    public record Settings(Path stateDirectory, Path tftpRoot, Path assets, InetSocketAddress httpBind,
                           ProfileCatalog catalog, Enrolment enrolment, MachineDirectory directory) {
        public Settings {
            Objects.requireNonNull(stateDirectory, "stateDirectory");
            Objects.requireNonNull(tftpRoot, "tftpRoot");
            Objects.requireNonNull(assets, "assets");
            Objects.requireNonNull(httpBind, "httpBind");
            Objects.requireNonNull(catalog, "catalog");
            enrolment = enrolment == null ? Enrolment.OPEN : enrolment;
            directory = directory == null ? MachineDirectory.NONE : directory;
        }
    }

    private final AddressPlan plan;
    private final MacAddress node;
    private final Settings settings;
    private final NodePorts ports = new NodePorts();
    private final Map<Integer, PortBoot> served = new TreeMap<>();
    private final MachineService machines;
    private final BootHttpServer http;

    private NodeBoot(AddressPlan plan, MacAddress node, Settings settings) {
        this.plan = plan;
        this.node = node;
        this.settings = settings;
        MachineStore store = new MachineStore(settings.stateDirectory().resolve("machines"));
        this.machines = new MachineService(store, settings.catalog(), Clock.systemUTC(), settings.directory(),
                settings.enrolment(), node.toString());
        Ipv6Address host = plan.host(node);
        this.http = new BootHttpServer(ports, machines, settings.assets(),
                Files.isDirectory(settings.tftpRoot()) ? settings.tftpRoot() : null, settings.httpBind(),
                a -> operator(a, host));
    }

    /** Starts the HTTP service of node {@code node}; ports are served from {@link #portUp} on. */
    public static NodeBoot start(AddressPlan plan, MacAddress node, Settings settings) {
        NodeBoot b = new NodeBoot(plan, node, settings);
        LOG.info("boot services of node {}: HTTP on {}, enrolment {}, machine directory {}", node, b.http.address(),
                settings.enrolment(), settings.directory());
        return b;
    }

    /**
     * Serves port {@code index} of this node on the interface {@code link} (idempotent): RA,
     * DHCPv6 and, on {@code tftpBinds} (empty: none), TFTP; HTTP names clients on it as this port.
     */
    public synchronized PortBoot portUp(int index, String link, List<InetSocketAddress> tftpBinds) {
        PortBoot running = served.get(index);
        if (running != null) {
            return running;
        }
        PortPrefix port = plan.port(node, index);
        Path leases = settings.stateDirectory().resolve("dhcp6").resolve("port" + index);
        PortBoot p = PortBoot.start(plan.spec().boot(), node, port, link, leases, settings.tftpRoot(), tftpBinds);
        served.put(index, p);
        ports.add(port, link);
        return p;
    }

    /**
     * The cable of port {@code index} lost carrier or went away: the machine behind it is gone, so
     * the addresses it leased there may go to the next machine plugged in ({@link PortBoot#cableGone});
     * nothing when not served.
     */
    public synchronized void cableGone(int index) {
        PortBoot p = served.get(index);
        if (p != null) {
            p.cableGone();
        }
    }

    /** Stops serving port {@code index}; nothing when it is not served. */
    public synchronized void portDown(int index) {
        PortBoot p = served.remove(index);
        ports.remove(index);
        if (p != null) {
            p.close();
        }
    }

    /** The port served as {@code index}, if it is. */
    public synchronized Optional<PortBoot> port(int index) {
        return Optional.ofNullable(served.get(index));
    }

    /** Port indexes served now. */
    public synchronized Set<Integer> served() {
        return Set.copyOf(served.keySet());
    }

    /** This node's machine records and decisions. */
    public MachineService machines() {
        return machines;
    }

    public InetSocketAddress httpAddress() {
        return http.address();
    }

    /** True when {@code a} may use the machine API (loopback, this node's host address). */
    static boolean operator(InetAddress a, Ipv6Address host) {
        return a.isLoopbackAddress() || a instanceof Inet6Address six && Ipv6Address.of(six).equals(host);
    }

    /** Stops every port, then HTTP. */
    @Override
    public synchronized void close() {
        for (int i : List.copyOf(served.keySet())) {
            portDown(i);
        }
        http.close();
    }
}
