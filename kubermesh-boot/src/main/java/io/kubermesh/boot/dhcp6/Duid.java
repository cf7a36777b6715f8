package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.MacAddress;
import java.util.Optional;

/**
 * A DHCP Unique Identifier (RFC 8415 section 11, RFC 6355 for UUID). Link-layer DUIDs of hardware
 * type 1 (Ethernet) carry a MAC, which is how this server recognises one machine across boot
 * stages that each invent a new DUID.
 */
public sealed interface Duid {
    int LLT = 1;
    int EN = 2;
    int LL = 3;
    int UUID = 4;
    /** ARP hardware type of Ethernet (RFC 826). */
    int ETHERNET = 1;

    /** The DUID type on the wire. */
    int type();

    /** The MAC this DUID carries, if it is LLT or LL over Ethernet with six octets. */
    default Optional<MacAddress> mac() {
        return Optional.empty();
    }

    /** DUID-LLT: hardware type, time (seconds since 2000-01-01 UTC, mod 2^32), link-layer address. */
    record LinkLayerTime(int hardwareType, long time, Octets linkLayerAddress) implements Duid {
        public LinkLayerTime {
            Dhcp6Option.checkUnsigned("DUID-LLT hardware type", hardwareType, 0xFFFF);
            Dhcp6Option.checkUnsigned("DUID-LLT time", time, 0xFFFF_FFFFL);
        }

        @Override
        public int type() {
            return LLT;
        }

        @Override
        public Optional<MacAddress> mac() {
            return macOf(hardwareType, linkLayerAddress);
        }
    }

    /** DUID-EN: IANA enterprise number and an identifier the vendor assigns. */
    record Enterprise(long enterprise, Octets identifier) implements Duid {
        public Enterprise {
            Dhcp6Option.checkUnsigned("DUID-EN enterprise", enterprise, 0xFFFF_FFFFL);
        }

        @Override
        public int type() {
            return EN;
        }
    }

    /** DUID-LL: hardware type and link-layer address. */
    record LinkLayer(int hardwareType, Octets linkLayerAddress) implements Duid {
        public LinkLayer {
            Dhcp6Option.checkUnsigned("DUID-LL hardware type", hardwareType, 0xFFFF);
        }

        @Override
        public int type() {
            return LL;
        }

        @Override
        public Optional<MacAddress> mac() {
            return macOf(hardwareType, linkLayerAddress);
        }
    }

    /** DUID-UUID (RFC 6355): 16 octets; UEFI firmware sends the SMBIOS system UUID. */
    record Uuid(Octets uuid) implements Duid {
        public Uuid {
            if (uuid.length() != 16) {
                throw new IllegalArgumentException("a DUID-UUID has 16 octets, got " + uuid.length());
            }
        }

        @Override
        public int type() {
            return UUID;
        }
    }

    /** Any other DUID type, kept byte for byte. */
    record Other(int type, Octets data) implements Duid {
        public Other {
            Dhcp6Option.checkUnsigned("DUID type", type, 0xFFFF);
            if (type >= LLT && type <= UUID) {
                throw new IllegalArgumentException("DUID type " + type + " has its own record");
            }
        }
    }

    private static Optional<MacAddress> macOf(int hardwareType, Octets lla) {
        if (hardwareType != ETHERNET || lla.length() != 6) {
            return Optional.empty();
        }
        MacAddress mac = MacAddress.fromBytes(lla.toBytes());
        return mac.isUsableIdentity() ? Optional.of(mac) : Optional.empty();
    }
}
