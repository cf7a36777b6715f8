package io.kubermesh.routing.netlink;

import io.kubermesh.api.MacAddress;
import java.util.Optional;

/**
 * A network interface as the kernel reports it.
 *
 * @param up administratively up (IFF_UP)
 * @param lowerUp the carrier is there (IFF_LOWER_UP): for a veth, its peer is up too
 * @param kind the IFLA_INFO_KIND ({@code veth}, {@code ifb}, …); empty for physical and loopback
 */
public record Link(int index, String name, boolean up, boolean lowerUp, int mtu, Optional<MacAddress> mac,
                   Optional<String> kind) {
    static Link of(LinkMessage m) {
        return new Link(m.index(), m.name().orElse("if" + m.index()), (m.flags() & RtnetlinkCodes.IFF_UP) != 0,
                (m.flags() & RtnetlinkCodes.IFF_LOWER_UP) != 0, m.mtu().orElse(0), m.address(),
                m.info().map(LinkInfo::kind));
    }
}
