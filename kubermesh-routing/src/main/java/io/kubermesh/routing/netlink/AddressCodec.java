package io.kubermesh.routing.netlink;

import static io.kubermesh.routing.netlink.RtnetlinkCodes.*;

import io.kubermesh.api.Ipv6Address;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** struct ifaddrmsg (8 bytes) and the IPv6 address attributes. */
final class AddressCodec {
    private AddressCodec() {
    }

    static void encode(AddressMessage a, Wire w) {
        w.u8(a.family()).u8(a.prefixLength()).u8(a.flags()).u8(a.scope()).u32(a.index());
        // The order iproute2 uses, so a request matches its capture byte for byte.
        a.local().ifPresent(x -> w.attrIpv6(IFA_LOCAL, x));
        a.extendedFlags().ifPresent(f -> w.attrU32(IFA_FLAGS, f));
        a.address().ifPresent(x -> w.attrIpv6(IFA_ADDRESS, x));
        a.cacheInfo().ifPresent(c -> w.attr(IFA_CACHEINFO, new Wire(w.order()).u32(c.preferred()).u32(c.valid())
                .u32(c.created()).u32(c.updated()).toBytes()));
        a.other().forEach(w::attr);
    }

    static AddressMessage decode(WireReader r) {
        int family = r.u8("ifaddrmsg family");
        int length = r.u8("ifaddrmsg prefix length");
        int flags = r.u8("ifaddrmsg flags");
        int scope = r.u8("ifaddrmsg scope");
        int index = r.s32("ifaddrmsg index");
        boolean v6 = family == AF_INET6;
        Optional<Ipv6Address> address = Optional.empty();
        Optional<Ipv6Address> local = Optional.empty();
        OptionalInt ext = OptionalInt.empty();
        Optional<AddressCacheInfo> cache = Optional.empty();
        List<Attribute> other = new ArrayList<>();
        for (Attribute a : r.attributes("address")) {
            switch (a.type()) {
                case IFA_ADDRESS -> {
                    if (v6) {
                        address = Optional.of(WireReader.ipv6(a, "IFA_ADDRESS"));
                    } else {
                        other.add(a);
                    }
                }
                case IFA_LOCAL -> {
                    if (v6) {
                        local = Optional.of(WireReader.ipv6(a, "IFA_LOCAL"));
                    } else {
                        other.add(a);
                    }
                }
                case IFA_FLAGS -> ext = OptionalInt.of(WireReader.u32(a, r.order(), "IFA_FLAGS"));
                case IFA_CACHEINFO -> {
                    ByteBuffer b = ByteBuffer.wrap(WireReader.exact(a, AddressCacheInfo.SIZE, "IFA_CACHEINFO")).order(r.order());
                    cache = Optional.of(new AddressCacheInfo(b.getInt() & 0xFFFF_FFFFL, b.getInt() & 0xFFFF_FFFFL,
                            b.getInt() & 0xFFFF_FFFFL, b.getInt() & 0xFFFF_FFFFL));
                }
                default -> other.add(a);
            }
        }
        return new AddressMessage(family, length, flags, scope, index, address, local, ext, cache, other);
    }
}
