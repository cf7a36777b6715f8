package io.kubermesh.api;

import java.util.Optional;

/**
 * What an address of the cluster belongs to: a node's region, or an anycast service.
 *
 * @param address the address asked about
 * @param region which region it falls in
 * @param mac the node's identity MAC (empty for anycast)
 * @param block the node's block (empty for anycast)
 * @param index the port index for port regions, the VIP number for {@link Region#VIP}, else -1
 * @param service the anycast service name, when one is configured at this address
 */
public record AddressOwner(Ipv6Address address, Region region, Optional<MacAddress> mac, Optional<Ipv6Prefix> block,
                           int index, Optional<String> service) {
    /** The regions of the plan. */
    public enum Region {
        /** The node's host address. */
        HOST,
        /** A node VIP, host + 1 .. host + 31. */
        VIP,
        /** The node's own end of a port /126. */
        PORT,
        /** An address of a port's DHCPv6 pool. */
        PORT_POOL,
        /** In the lower half but in no region; never handed out. */
        RESERVED,
        /** The upper half of the block. */
        PODS,
        /** Inside the anycast prefix. */
        ANYCAST
    }
}
