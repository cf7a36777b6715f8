package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import java.util.Optional;

/**
 * Who a client is on one port, in the order ARCHITECTURE.md gives: the ingress port, then the
 * MAC inside a DUID-LL/LLT, then the MAC inside an EUI-64 link-local source, and only then the
 * DUID itself. Firmware, iPXE, the installer and the OS may each invent a DUID, but they share
 * the NIC's MAC, so one machine keeps one address and never exhausts its port's three.
 *
 * @param port the ingress port index
 * @param mac the MAC, when the DUID or the source address carries one
 * @param duid the DUID as presented
 */
public record ClientIdentity(int port, Optional<MacAddress> mac, Duid duid) {
    /** Identifies a client from what it sent and where. */
    public static ClientIdentity of(int port, Duid duid, Ipv6Address source) {
        Optional<MacAddress> mac = duid.mac();
        if (mac.isEmpty()) {
            mac = eui64Mac(source);
        }
        return new ClientIdentity(port, mac, duid);
    }

    /** The MAC of a modified EUI-64 link-local address (RFC 4291 appendix A), if it is one. */
    static Optional<MacAddress> eui64Mac(Ipv6Address source) {
        if (source == null || !source.isLinkLocal()) {
            return Optional.empty();
        }
        long iid = source.low();
        if (((iid >>> 24) & 0xFFFF) != 0xFFFE) {
            return Optional.empty();
        }
        long oui = ((iid >>> 40) & 0xFFFFFF) ^ 0x020000L;
        MacAddress mac = new MacAddress((oui << 24) | (iid & 0xFFFFFF));
        return mac.isUsableIdentity() ? Optional.of(mac) : Optional.empty();
    }

    /** The lease key: {@code mac-52:54:00:12:34:56} or {@code duid-HEX}. */
    public String key() {
        return mac.map(m -> "mac-" + m).orElseGet(() -> "duid-" + duidHex(duid));
    }

    /** The DUID in hex as it is on the wire (type first). */
    public static String duidHex(Duid duid) {
        byte[] wire = Dhcp6Codec.encodeToBytes(new Dhcp6Message(MessageType.SOLICIT, 0,
                java.util.List.of(new Dhcp6Option.ClientId(duid))));
        return java.util.HexFormat.of().formatHex(wire, 8, wire.length);
    }

    @Override
    public String toString() {
        return "port " + port + " " + key();
    }
}
