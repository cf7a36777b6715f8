package io.kubermesh.boot.ra;

import io.kubermesh.boot.dhcp6.Octets;
import java.util.List;

/** The ICMPv6 neighbour discovery messages a router speaks (RFC 4861 section 4.1, 4.2). */
public sealed interface NdMessage {
    int ROUTER_SOLICITATION = 133;
    int ROUTER_ADVERTISEMENT = 134;

    int type();

    /** Type 133: a host asks routers to advertise now. */
    record RouterSolicitation(List<NdOption> options) implements NdMessage {
        public RouterSolicitation {
            options = List.copyOf(options);
        }

        @Override
        public int type() {
            return ROUTER_SOLICITATION;
        }
    }

    /**
     * Type 134.
     *
     * @param curHopLimit hop limit hosts should use, 0 for unspecified
     * @param managed M: addresses from DHCPv6
     * @param other O: other configuration from DHCPv6
     * @param routerLifetime seconds this router is a default router, 0..65535
     * @param reachableTime milliseconds, 0 for unspecified
     * @param retransTimer milliseconds, 0 for unspecified
     */
    record RouterAdvertisement(int curHopLimit, boolean managed, boolean other, int routerLifetime, long reachableTime,
                               long retransTimer, List<NdOption> options) implements NdMessage {
        public RouterAdvertisement {
            if (curHopLimit < 0 || curHopLimit > 255 || routerLifetime < 0 || routerLifetime > 0xFFFF
                    || reachableTime < 0 || reachableTime > 0xFFFF_FFFFL || retransTimer < 0 || retransTimer > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("router advertisement field out of range");
            }
            options = List.copyOf(options);
        }

        @Override
        public int type() {
            return ROUTER_ADVERTISEMENT;
        }
    }

    /** Any other ICMPv6 message, kept whole after the checksum. */
    record Other(int type, int code, Octets body) implements NdMessage {
        public Other {
            if (type == ROUTER_SOLICITATION || type == ROUTER_ADVERTISEMENT || type < 0 || type > 255 || code < 0 || code > 255) {
                throw new IllegalArgumentException("type " + type + " code " + code + " is not an other ICMPv6 message");
            }
        }
    }
}
