package io.kubermesh.routing.netlink;

/** A change the kernel announced on RTNLGRP_LINK or RTNLGRP_IPV6_IFADDR. */
public sealed interface NetlinkEvent {
    /** A link appeared or changed ({@code removed} false), or went away. */
    record LinkChanged(Link link, boolean removed) implements NetlinkEvent {
    }

    /** An IPv6 address was added or updated ({@code removed} false), or removed. */
    record AddressChanged(InterfaceAddress address, boolean removed) implements NetlinkEvent {
    }

    /**
     * The kernel dropped events (ENOBUFS: the socket buffer overflowed); a listener that keeps
     * state should read links and addresses again.
     */
    record Overrun() implements NetlinkEvent {
    }
}
