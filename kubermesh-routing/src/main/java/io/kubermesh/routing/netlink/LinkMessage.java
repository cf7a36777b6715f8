package io.kubermesh.routing.netlink;

import io.kubermesh.api.MacAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * RTM_NEWLINK / RTM_DELLINK / RTM_GETLINK: struct ifinfomsg (16 bytes: family, pad, type, index,
 * flags, change) and the link attributes kubermesh uses. Others are kept raw in {@code other}.
 *
 * @param deviceType ifi_type (ARPHRD_*)
 * @param flags ifi_flags (IFF_UP, IFF_LOWER_UP, …)
 * @param change ifi_change: which flags a request changes
 * @param address IFLA_ADDRESS when it is a 6-byte MAC
 * @param netnsFd IFLA_NET_NS_FD: move the link to the namespace of this file descriptor
 */
public record LinkMessage(int family, int deviceType, int index, int flags, int change, Optional<String> name,
                          OptionalInt mtu, Optional<MacAddress> address, OptionalInt operState, Optional<LinkInfo> info,
                          OptionalInt netnsFd, List<Attribute> other) implements NetlinkMessage.Payload {
    /** Size of struct ifinfomsg. */
    public static final int SIZE = 16;

    public LinkMessage {
        if (family < 0 || family > 0xFF || deviceType < 0 || deviceType > 0xFFFF) {
            throw new IllegalArgumentException("ifi_family is 8 bits and ifi_type 16 bits");
        }
        if (name.isPresent() && (name.get().isEmpty() || name.get().indexOf('\0') >= 0)) {
            throw new IllegalArgumentException("an interface name is a non-empty C string");
        }
        other = List.copyOf(other);
    }

    /** An ifinfomsg with nothing but the index (0: any) and no attributes. */
    public static LinkMessage ofIndex(int index) {
        return new LinkMessage(RtnetlinkCodes.AF_UNSPEC, 0, index, 0, 0, Optional.empty(), OptionalInt.empty(),
                Optional.empty(), OptionalInt.empty(), Optional.empty(), OptionalInt.empty(), List.of());
    }

    public LinkMessage withName(String n) {
        return new LinkMessage(family, deviceType, index, flags, change, Optional.of(n), mtu, address, operState, info,
                netnsFd, other);
    }

    public LinkMessage withInfo(LinkInfo i) {
        return new LinkMessage(family, deviceType, index, flags, change, name, mtu, address, operState, Optional.of(i),
                netnsFd, other);
    }

    public LinkMessage withFlags(int newFlags, int newChange) {
        return new LinkMessage(family, deviceType, index, newFlags, newChange, name, mtu, address, operState, info,
                netnsFd, other);
    }

    public LinkMessage withAddress(MacAddress mac) {
        return new LinkMessage(family, deviceType, index, flags, change, name, mtu, Optional.of(mac), operState, info,
                netnsFd, other);
    }

    public LinkMessage withNetnsFd(int fd) {
        return new LinkMessage(family, deviceType, index, flags, change, name, mtu, address, operState, info,
                OptionalInt.of(fd), other);
    }
}
