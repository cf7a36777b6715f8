package io.kubermesh.routing.netlink;

import io.kubermesh.api.Ipv6Address;

/**
 * An IPv6 address on an interface, with its lifetimes as they are now (counting down when finite).
 *
 * @param flags IFA_F_* flags (IFA_FLAGS when the kernel sends it)
 */
public record InterfaceAddress(int interfaceIndex, String interfaceName, Ipv6Address address, int prefixLength,
                               int scope, int flags, AddressLifetime lifetime) {
    public boolean deprecated() {
        return (flags & RtnetlinkCodes.IFA_F_DEPRECATED) != 0;
    }

    public boolean tentative() {
        return (flags & RtnetlinkCodes.IFA_F_TENTATIVE) != 0;
    }
}
