package io.kubermesh.agent;

import io.kubermesh.api.Ipv4Address;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.routing.netlink.AddressFlag;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.InterfaceAddress;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.util.EnumSet;
import java.util.Optional;

/**
 * Puts the node's IPv4 address where it lives: on the stub interface as a /32 (the node owns it
 * as it owns its host /128; nothing routes IPv4 between nodes itself), next to node VIP 1, the
 * IPv6 /128 that is the node's IPv4-overlay endpoint in the plan (ARCHITECTURE.md), announced by
 * the routing daemon with the stub's other addresses. Reads both back for status.
 */
public final class NodeIpv4Address {
    /** Node VIP 1: the IPv4-overlay endpoint. */
    public static final int OVERLAY_VIP = 1;

    private final Rtnetlink netlink;
    private final String stub;
    private final Ipv6Address overlayEndpoint;

    public NodeIpv4Address(Rtnetlink netlink, String stub, NodeBlock node) {
        this.netlink = netlink;
        this.stub = stub;
        this.overlayEndpoint = node.vip(OVERLAY_VIP);
    }

    public Ipv6Address overlayEndpoint() {
        return overlayEndpoint;
    }

    /** Adds (or renews) the /32 and the overlay endpoint /128 on the stub. */
    public void configure(Ipv4Address address) {
        netlink.addIpv4Address(stub, address, 32);
        netlink.addAddress(stub, overlayEndpoint, 128, AddressLifetime.PERMANENT,
                EnumSet.of(AddressFlag.NODAD, AddressFlag.NOPREFIXROUTE));
    }

    /** Why {@code address} and the overlay endpoint are not both on the stub now, or empty when they are. */
    public Optional<String> missing(Ipv4Address address) {
        if (!netlink.ipv4Addresses(stub).contains(address)) {
            return Optional.of(address + " is not on " + stub);
        }
        if (netlink.addresses(stub).stream().map(InterfaceAddress::address).noneMatch(overlayEndpoint::equals)) {
            return Optional.of("the overlay endpoint " + overlayEndpoint + " is not on " + stub);
        }
        return Optional.empty();
    }
}
