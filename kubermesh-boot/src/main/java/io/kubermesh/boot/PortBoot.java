package io.kubermesh.boot;

import io.kubermesh.api.BootSpec;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.dhcp6.Dhcp6Server;
import io.kubermesh.boot.ra.RouterAdvertiser;
import io.kubermesh.boot.tftp.TftpServer;
import io.kubermesh.boot.tftp.TransferOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The boot services of one mesh port (ARCHITECTURE.md, "Network boot"): router advertisements,
 * DHCPv6 from the port's pool with its leases in their own directory, and TFTP of the iPXE
 * binaries on the addresses given. {@link NodeBoot} runs one per port while the port is up (for
 * the agent and for {@code kubermesh boot serve}); the HTTP boot server is shared by every port
 * of a node and is part of {@link NodeBoot}, not of this.
 */
public final class PortBoot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortBoot.class);
    private final PortPrefix port;
    private final String interfaceName;
    private Dhcp6Server dhcp;
    private RouterAdvertiser ra;
    private TftpServer tftp;
    private boolean closed;
    private final java.util.List<TftpServer> more = new java.util.ArrayList<>();

    private PortBoot(PortPrefix port, String interfaceName) {
        this.port = port;
        this.interfaceName = interfaceName;
    }

    /**
     * Starts serving {@code port} on {@code interfaceName}.
     *
     * @param boot lifetimes and boot file names
     * @param node the node's identity MAC (the DHCPv6 server's DUID)
     * @param leases the directory of this port's DHCPv6 leases
     * @param tftpRoot the TFTP root; Debian's ipxe package puts snponly.efi and undionly.kpxe in /usr/lib/ipxe
     * @param tftpBinds the addresses TFTP listens on (a link-local one with its scope); empty: no TFTP
     */
    public static PortBoot start(BootSpec boot, MacAddress node, PortPrefix port, String interfaceName, Path leases,
                                 Path tftpRoot, List<InetSocketAddress> tftpBinds) {
        PortBoot p = new PortBoot(port, interfaceName);
        Map<PortPrefix, String> one = Map.of(port, interfaceName);
        try {
            // TFTP first: DHCPv6 hands out a tftp:// URL, which must already answer when a fast
            // client (a firmware that asks at once) follows it.
            if (!tftpBinds.isEmpty()) {
                p.tftp = new TftpServer(tftpRoot, tftpBinds, TransferOptions.Limits.DEFAULT, TftpServer.Slots.DEFAULT,
                        "port " + port.index() + " on " + interfaceName);
            }
            p.dhcp = Dhcp6Server.start(boot, node, one, leases);
            p.ra = RouterAdvertiser.start(boot, one);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        LOG.info("boot services on port {} ({}): DHCPv6 pool {} .. {}, TFTP {}", port.index(), interfaceName,
                port.pool().get(0), port.pool().get(port.pool().size() - 1),
                p.tftp == null ? "off" : p.tftp.addresses());
        return p;
    }

    /** Adds TFTP on {@code binds} (a link-local address that appeared after the port started). */
    public synchronized void addTftp(Path tftpRoot, List<InetSocketAddress> binds) {
        if (closed) {
            throw new IllegalStateException("port " + port.index() + " is closed");
        }
        more.add(new TftpServer(tftpRoot, binds, TransferOptions.Limits.DEFAULT, TftpServer.Slots.DEFAULT,
                "port " + port.index() + " on " + interfaceName));
    }

    public PortPrefix port() {
        return port;
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The TFTP server, empty when this port serves no TFTP. */
    public synchronized Optional<TftpServer> tftp() {
        return Optional.ofNullable(tftp);
    }

    /**
     * The MACs of the DHCPv6 clients holding a lease on this port at {@code now}, sorted: the
     * machines that netbooted through this port within a lease's lifetime, for a cabling check.
     */
    public synchronized List<MacAddress> clients(java.time.Instant now) {
        if (dhcp == null) {
            return List.of();
        }
        return dhcp.leases().stream().filter(l -> l.port() == port.index() && l.expires().isAfter(now))
                .map(io.kubermesh.boot.dhcp6.Lease::clientMac).flatMap(Optional::stream).distinct()
                .sorted(java.util.Comparator.comparing(MacAddress::toString)).toList();
    }

    /**
     * This port's cable lost carrier: the machine behind it is gone, and the addresses it leased
     * may go to the next machine plugged in ({@link io.kubermesh.boot.dhcp6.Dhcp6Engine#cableGone}).
     */
    public synchronized void cableGone() {
        if (dhcp != null) {
            dhcp.cableGone(port.index());
        }
    }

    /** Stops TFTP, the advertisements (with their farewell) and DHCPv6; idempotent. */
    @Override
    public synchronized void close() {
        closed = true;
        more.forEach(TftpServer::close);
        more.clear();
        if (tftp != null) {
            tftp.close();
            tftp = null;
        }
        if (ra != null) {
            ra.close();
            ra = null;
        }
        if (dhcp != null) {
            dhcp.close();
            dhcp = null;
        }
    }
}
