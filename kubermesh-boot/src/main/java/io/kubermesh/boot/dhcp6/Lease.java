package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.Ipv6Address;
import java.time.Instant;

/**
 * One address of a port's pool bound to one client.
 *
 * @param port the mesh port index the client is cabled to
 * @param client the client's identity on that port ({@link ClientIdentity#key()}), or
 *     {@link #DECLINED} for an address a client declined as in use
 * @param address the leased address, inside the port's pool
 * @param iaid the IA_NA the client holds it in (0 to 2^32-1), or {@link #ANY_IA} for a lease
 *     stored before leases named their IA (it then answers any IA of its client)
 * @param expires when the server may hand the address to someone else (or earlier, once
 *     {@code gone}); always at or after the end of the lifetime the client was told (see
 *     {@link Dhcp6Engine})
 * @param duid the hex of the last DUID the client presented, for diagnosis only
 * @param gone when the port's cable lost carrier while this lease ran, or null: a mesh port is a
 *     cable to one machine, so its client left with it, and the address may go to the next machine
 *     on that cable before {@code expires} ({@link Dhcp6Engine#cableGone}); the client's next
 *     Request, Renew, Rebind or Rapid Commit Solicit clears it
 */
public record Lease(int port, String client, Ipv6Address address, long iaid, Instant expires, String duid, Instant gone) {
    /** The client name of an address withdrawn by a Decline (RFC 8415 section 18.3.8). */
    public static final String DECLINED = "declined";
    /** The IA of a lease stored before leases named their IA: any IA of its client. */
    public static final long ANY_IA = -1;

    /** A lease whose client is still on its cable (or was, when last heard). */
    public Lease(int port, String client, Ipv6Address address, long iaid, Instant expires, String duid) {
        this(port, client, address, iaid, expires, duid, null);
    }

    public Lease {
        if (iaid < ANY_IA || iaid > 0xFFFF_FFFFL) {
            throw new IllegalArgumentException("IAID " + iaid + " is outside 0 to 2^32-1");
        }
        if (port < 0 || client == null || client.isBlank() || client.chars().anyMatch(Character::isWhitespace)
                || address == null || expires == null || duid == null || duid.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("incomplete lease: port " + port + " client " + client + " address "
                    + address + " expires " + expires + " duid " + duid);
        }
    }

    /**
     * The client's MAC, when its identity on the port is one ({@code mac-...}: from a DUID-LL or
     * DUID-LLT, or an EUI-64 link-local source); empty for a DUID-only client or a declined address.
     */
    public java.util.Optional<io.kubermesh.api.MacAddress> clientMac() {
        if (!client.startsWith("mac-")) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(io.kubermesh.api.MacAddress.parse(client.substring(4)));
        } catch (io.kubermesh.api.ConfigurationException e) {
            return java.util.Optional.empty();
        }
    }

    /** Whether this lease is the one of IA {@code id}. */
    public boolean holdsIa(long id) {
        return iaid == ANY_IA || iaid == id;
    }

    public boolean expiredAt(Instant now) {
        return !expires.isAfter(now);
    }

    /** Whether the address may go to another client at {@code now}: expired, or its client left with the cable. */
    public boolean reusableAt(Instant now) {
        return expiredAt(now) || gone != null;
    }

    /** This lease with its client gone with the port's cable at {@code at}. */
    public Lease goneAt(Instant at) {
        return new Lease(port, client, address, iaid, expires, duid, at);
    }
}
