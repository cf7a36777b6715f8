package io.kubermesh.agent;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.netlink.AddressFlag;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.Link;
import io.kubermesh.routing.netlink.NetlinkException;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's own addresses, as the plan says: the stub interface with the host /128 and the pod
 * prefix, and on each mesh port its /126 this-end address (preferred lifetime 0, so it is never
 * chosen as a source: traffic leaves from the host address). Idempotent; remembers what it added
 * so {@link #teardown()} removes exactly that.
 */
public final class NodeNetwork {
    private static final Logger LOG = LoggerFactory.getLogger(NodeNetwork.class);
    /** Port interfaces are named clusterI (ARCHITECTURE.md). */
    public static final java.util.regex.Pattern PORT = java.util.regex.Pattern.compile("cluster(\\d{1,2})");

    private final Rtnetlink netlink;
    private final NodeBlock node;
    private final String stubName;
    private final Set<Integer> ports = new TreeSet<>();
    private String stubKind;

    private final SeenPorts seen;
    private boolean dadOverrideLogged;

    public NodeNetwork(Rtnetlink netlink, AddressPlan plan, MacAddress identity, String stubName, SeenPorts seen) {
        this.netlink = netlink;
        this.node = plan.node(identity);
        this.stubName = stubName;
        this.seen = seen;
    }


    public NodeBlock node() {
        return node;
    }

    public String stubName() {
        return stubName;
    }

    /** {@code dummy} or {@code ifb}, once {@link #ensureStub()} ran. */
    public String stubKind() {
        return stubKind;
    }

    /** Turns lo up; creates the stub (if missing) with the host /128 and the pod prefix, up; turns forwarding on. */
    public synchronized void ensureStub() {
        // Local delivery to the node's own addresses (etcd's health, the anycast checks) goes
        // through lo: a namespace made without it up (a bare lab namespace) reaches nothing local.
        netlink.setUp("lo", true);
        if (netlink.link(stubName).isEmpty()) {
            stubKind = netlink.createStub(stubName);
            LOG.info("stub interface {} created ({})", stubName, stubKind);
        } else if (stubKind == null) {
            stubKind = netlink.link(stubName).flatMap(l -> l.kind()).orElse("unknown");
        }
        netlink.setUp(stubName, true);
        netlink.addAddress(stubName, node.host(), 128, AddressLifetime.PERMANENT,
                EnumSet.of(AddressFlag.NODAD, AddressFlag.NOPREFIXROUTE));
        // The pod prefix as a connected route on the stub, so the IGP announces it with the host.
        netlink.addAddress(stubName, node.pods().network().plus(1), node.pods().length(), AddressLifetime.PERMANENT,
                EnumSet.of(AddressFlag.NODAD));
        netlink.setForwarding("all", true);
        netlink.setForwarding("default", true);
    }

    /** The port index of an interface name, or -1 when it is not a planned mesh port. */
    public int portIndex(String interfaceName) {
        var m = PORT.matcher(interfaceName);
        if (!m.matches()) {
            return -1;
        }
        int i = Integer.parseInt(m.group(1));
        return i < node.ports().size() ? i : -1;
    }

    /**
     * Gives port {@code index} its this-end address, and turns it up the first time: a port taken
     * down administratively afterwards (a cut at this end, an operator's {@code ip link set down})
     * stays down until it is turned up again, and gets its address back then. "The first time"
     * spans agent restarts within one boot ({@link SeenPorts}): a restarted agent leaves a port
     * down that an earlier agent turned up.
     */
    public synchronized void ensurePort(int index) {
        PortPrefix p = node.port(index);
        if (!ports.contains(index)) {
            // No duplicate address detection on a mesh port: it is a cable to one other machine, whose
            // link-local address comes from a different MAC (the plan's blocks already assume unique
            // MACs), so the detection can find nothing (RFC 4862 allows none: DupAddrDetectTransmits
            // 0), and it kept this end's link-local address unusable for 1-2 s after carrier came up:
            // the routing daemon's hellos, the router advertisements and TFTP on the link-local
            // address all wait for it. The port's own /126 address is added without it already.
            netlink.setDuplicateAddressDetection(p.interfaceName(), false);
            if (!dadOverrideLogged && allKeepsDuplicateAddressDetection()) {
                dadOverrideLogged = true;
                LOG.warn("net.ipv6.conf.all.accept_dad is on, which keeps duplicate address detection on every port"
                        + " whatever the port's own setting: a new cable's link-local address, and the routing daemon's"
                        + " hellos, wait 1-2 s; set it to 0 to let the agent turn it off on the mesh ports alone");
            }
            Optional<Link> link = netlink.link(p.interfaceName());
            if (link.isPresent() && seen.seen(p.interfaceName(), link.get().index())) {
                if (!link.get().up()) {
                    LOG.info("port {} ({}) left down: an earlier agent of this boot turned it up, so it was taken down"
                            + " since (a cut, an operator)", index, p.interfaceName());
                }
            } else {
                netlink.setUp(p.interfaceName(), true);
                link.ifPresent(l -> seen.add(l.name(), l.index()));
            }
        }
        netlink.setForwarding(p.interfaceName(), true);
        netlink.addAddress(p.interfaceName(), p.thisEnd(), 126, AddressLifetime.PORT, EnumSet.of(AddressFlag.NODAD));
        if (ports.add(index)) {
            LOG.info("port {} ({}) configured: {}", index, p.interfaceName(), p.prefix());
        }
    }

    /** Whether {@code all.accept_dad} overrides the ports' own; a warning's question, so never a reason to fail a port. */
    private boolean allKeepsDuplicateAddressDetection() {
        try {
            return netlink.duplicateAddressDetection("all");
        } catch (RuntimeException e) {
            LOG.debug("cannot read net.ipv6.conf.all.accept_dad: {}", e.getMessage());
            return false;
        }
    }

    /** Forgets a port whose link went away (its addresses went with it). */
    public synchronized void portGone(int index) {
        if (ports.remove(index)) {
            LOG.info("port {} gone", index);
        }
    }

    public synchronized Set<Integer> ports() {
        return Set.copyOf(ports);
    }

    /** Removes what this node added: port addresses and the stub. Never throws. */
    public synchronized void teardown() {
        for (int i : ports) {
            PortPrefix p = node.port(i);
            try {
                netlink.removeAddress(p.interfaceName(), p.thisEnd(), 126);
            } catch (NetlinkException e) {
                LOG.debug("port {} address already gone: {}", i, e.getMessage());
            }
        }
        ports.clear();
        try {
            if (netlink.link(stubName).isPresent()) {
                netlink.deleteLink(stubName);
            }
        } catch (NetlinkException e) {
            LOG.warn("removing stub {}: {}", stubName, e.getMessage());
        }
    }
}
