package io.kubermesh.routing.netlink;

import io.kubermesh.api.Ipv6Address;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * RTM_NEWADDR / RTM_DELADDR / RTM_GETADDR: struct ifaddrmsg (8 bytes: family, prefix length,
 * flags, scope, index) and, for AF_INET6, IFA_ADDRESS, IFA_LOCAL, IFA_FLAGS (the 32-bit flags
 * that supersede ifa_flags) and IFA_CACHEINFO. Other attributes, and the addresses of other
 * families, stay raw in {@code other}.
 */
public record AddressMessage(int family, int prefixLength, int flags, int scope, int index,
                             Optional<Ipv6Address> address, Optional<Ipv6Address> local, OptionalInt extendedFlags,
                             Optional<AddressCacheInfo> cacheInfo, List<Attribute> other)
        implements NetlinkMessage.Payload {
    /** Size of struct ifaddrmsg. */
    public static final int SIZE = 8;

    public AddressMessage {
        for (int v : new int[] {family, prefixLength, flags, scope}) {
            if (v < 0 || v > 0xFF) {
                throw new IllegalArgumentException("ifaddrmsg family, prefix length, flags and scope are u8, got " + v);
            }
        }
        if (family != RtnetlinkCodes.AF_INET6 && (address.isPresent() || local.isPresent())) {
            throw new IllegalArgumentException("only AF_INET6 addresses are modelled; others stay raw");
        }
        other = List.copyOf(other);
    }

    /** The effective flags: IFA_FLAGS when present, else ifa_flags. */
    public int effectiveFlags() {
        return extendedFlags.orElse(flags);
    }
}
