package io.kubermesh.api;

import java.time.Instant;
import java.util.Optional;

/**
 * Who a node is: the MAC its address block derives from, chosen once on first boot and kept for
 * life so a NIC added later never renumbers the node.
 *
 * @param mac the identity MAC
 * @param interfaceName the interface that carried it when it was chosen
 * @param chosenAt when it was chosen
 * @param netbootMac the MAC of the NIC the machine network-booted from, when it did
 */
public record NodeIdentity(MacAddress mac, String interfaceName, Instant chosenAt, Optional<MacAddress> netbootMac) {
    public NodeIdentity {
        if (mac == null || !mac.isUsableIdentity()) {
            throw new ConfigurationException("identity.mac", String.valueOf(mac),
                    "a unicast, non-zero MAC address (the I/G bit of the first octet clear)");
        }
        if (interfaceName == null || interfaceName.isBlank()) {
            throw new IllegalArgumentException("an identity records the interface it came from");
        }
        if (chosenAt == null) {
            throw new IllegalArgumentException("an identity records when it was chosen");
        }
        netbootMac = netbootMac == null ? Optional.empty() : netbootMac;
    }
}
