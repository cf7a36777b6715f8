package io.kubermesh.boot.ra;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.dhcp6.Octets;

/**
 * A neighbour discovery option (RFC 4861 section 4.6): type, length in units of 8 octets, data.
 * Types this codec does not type decode to {@link Raw} and re-encode byte for byte.
 */
public sealed interface NdOption {
    int SOURCE_LINK_LAYER = 1;
    int PREFIX_INFORMATION = 3;
    int MTU = 5;

    int type();

    /** Type 1 with an Ethernet address (length 1: 8 octets). */
    record SourceLinkLayer(MacAddress mac) implements NdOption {
        @Override
        public int type() {
            return SOURCE_LINK_LAYER;
        }
    }

    /**
     * Type 3 (length 4: 32 octets). For a mesh port: the port /126, on-link set, autonomous clear
     * (addresses come from DHCPv6, and SLAAC needs a /64 anyway).
     */
    record PrefixInformation(int prefixLength, boolean onLink, boolean autonomous, long validLifetime,
                             long preferredLifetime, Ipv6Address prefix) implements NdOption {
        public PrefixInformation {
            if (prefixLength < 0 || prefixLength > 128) {
                throw new IllegalArgumentException("a prefix length is 0..128, got " + prefixLength);
            }
            if (validLifetime < 0 || validLifetime > 0xFFFF_FFFFL || preferredLifetime < 0 || preferredLifetime > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("lifetimes are 32-bit unsigned");
            }
        }

        @Override
        public int type() {
            return PREFIX_INFORMATION;
        }
    }

    /** Type 5 (length 1): the link MTU. */
    record Mtu(long mtu) implements NdOption {
        public Mtu {
            if (mtu < 0 || mtu > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("an MTU is 32-bit unsigned, got " + mtu);
            }
        }

        @Override
        public int type() {
            return MTU;
        }
    }

    /** Any other option, or a typed one with an unusual length: its data after type and length. */
    record Raw(int type, Octets data) implements NdOption {
        public Raw {
            if (type < 0 || type > 255) {
                throw new IllegalArgumentException("an option type is one octet, got " + type);
            }
            if ((data.length() + 2) % 8 != 0 || data.length() + 2 > 255 * 8) {
                throw new IllegalArgumentException("option data plus 2 must be a multiple of 8 up to 2040, got " + data.length());
            }
        }
    }
}
