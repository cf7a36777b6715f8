package io.kubermesh.addressing.identity;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeIdentity;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The identity rule (ARCHITECTURE.md, "Identity"): the lowest universally administered MAC, with
 * {@code eth*} interfaces first; else the lowest locally administered one, {@code eth*} first
 * again. Group (multicast) and all-zero MACs never name a node.
 */
public final class IdentityChoice {
    private static final Comparator<InterfaceMac> ORDER = Comparator
            .comparing((InterfaceMac i) -> !i.mac().isUniversal())
            .thenComparing(i -> !i.name().startsWith("eth"))
            .thenComparing(InterfaceMac::mac)
            .thenComparing(InterfaceMac::name);

    private IdentityChoice() {
    }

    /** The interface whose MAC the rule picks, or empty when no interface has a usable MAC. */
    public static Optional<InterfaceMac> pick(List<InterfaceMac> interfaces) {
        return interfaces.stream().filter(i -> i.mac().isUsableIdentity()).min(ORDER);
    }

    /** A fresh identity chosen from {@code interfaces} at {@code now}. */
    public static NodeIdentity choose(List<InterfaceMac> interfaces, Instant now, Optional<MacAddress> netbootMac) {
        InterfaceMac chosen = pick(interfaces).orElseThrow(() -> new ConfigurationException("identity.interfaces",
                interfaces.toString(), "at least one interface with a unicast, non-zero MAC"));
        return new NodeIdentity(chosen.mac(), chosen.name(), now, netbootMac);
    }
}
