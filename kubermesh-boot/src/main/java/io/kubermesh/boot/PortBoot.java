package io.kubermesh.boot;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
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
 * binaries on the addresses given. The node agent runs one per port while the port is up;
 * {@code kubermesh boot serve} runs one per interface it is given. The HTTP boot server is
 * shared by every port and is not part of this.
 */
public final class PortBoot implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PortBoot.class);
    /** Concurrent TFTP transfers on one port; more are answered with an ERROR. */
    public static final int MAX_TRANSFERS = 256;

    private final PortPrefix port;
    private final String interfaceName;
    private Dhcp6Server dhcp;
    private RouterAdvertiser ra;
    private TftpServer tftp;

    private PortBoot(PortPrefix port, String interfaceName) {
        this.port = port;
        this.interfaceName = interfaceName;
    }

    /**
     * Starts serving port {@code index} of node {@code node} on {@code interfaceName}.
     *
     * @param leases the directory of this port's DHCPv6 leases
     * @param tftpRoot the TFTP root; Debian's ipxe package puts snponly.efi and undionly.kpxe in /usr/lib/ipxe
     * @param tftpBinds the addresses TFTP listens on (a link-local one with its scope); empty: no TFTP
     */
    public static PortBoot start(ClusterSpec spec, MacAddress node, int index, String interfaceName, Path leases,
                                 Path tftpRoot, List<InetSocketAddress> tftpBinds) {
        PortBoot p = new PortBoot(new AddressPlan(spec).port(node, index), interfaceName);
        Map<Integer, String> one = Map.of(index, interfaceName);
        try {
            // TFTP first: DHCPv6 hands out a tftp:// URL, which must already answer when a fast
            // client (a firmware that asks at once) follows it.
            if (!tftpBinds.isEmpty()) {
                p.tftp = new TftpServer(tftpRoot, tftpBinds, TransferOptions.Limits.DEFAULT, MAX_TRANSFERS,
                        "port " + index + " on " + interfaceName);
            }
            p.dhcp = Dhcp6Server.start(spec, node, one, leases);
            p.ra = RouterAdvertiser.start(spec, node, one);
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        LOG.info("boot services on port {} ({}): DHCPv6 pool {} .. {}, TFTP {}", index, interfaceName,
                p.port.pool().get(0), p.port.pool().get(p.port.pool().size() - 1),
                p.tftp == null ? "off" : p.tftp.addresses());
        return p;
    }

    public PortPrefix port() {
        return port;
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The TFTP server, empty when this port serves no TFTP. */
    public Optional<TftpServer> tftp() {
        return Optional.ofNullable(tftp);
    }

    /** Stops TFTP, the advertisements (with their farewell) and DHCPv6; idempotent. */
    @Override
    public void close() {
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
