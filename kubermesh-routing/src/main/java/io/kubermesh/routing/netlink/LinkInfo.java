package io.kubermesh.routing.netlink;

import java.util.List;
import java.util.Optional;

/**
 * IFLA_LINKINFO: the link kind ({@code veth}, {@code ifb}, {@code dummy}, …) and, for a veth
 * being created, its peer (IFLA_INFO_DATA / VETH_INFO_PEER, itself an ifinfomsg with attributes).
 *
 * @param other nested attributes not modelled (IFLA_INFO_DATA of other kinds), kept raw
 */
public record LinkInfo(String kind, Optional<LinkMessage> peer, List<Attribute> other) {
    public LinkInfo {
        if (kind == null || kind.isEmpty() || kind.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a link kind is a non-empty C string");
        }
        peer = peer == null ? Optional.empty() : peer;
        if (peer.isPresent() && !"veth".equals(kind)) {
            throw new IllegalArgumentException("only a veth has a peer, not a " + kind);
        }
        other = List.copyOf(other);
    }

    public static LinkInfo of(String kind) {
        return new LinkInfo(kind, Optional.empty(), List.of());
    }
}
