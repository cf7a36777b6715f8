package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.addressing.site.SiteMachine;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The cables a person laid, checked against what the gateway's ports hear: software cannot lay a
 * cable, so it compares. A machine that netboots through a gateway port holds a DHCPv6 lease
 * there under its NIC's MAC, which names the NIC at the other end of the cable. Each inventory
 * cable with an end at the gateway is {@code seen} (its NIC heard on its port), {@code not seen}
 * (another NIC heard there: the cables are swapped or wrong), or not seen yet (nothing heard on
 * the port); a NIC heard on a port the inventory does not cable it to is named with where the
 * inventory puts it.
 */
final class CablingCheck {
    private CablingCheck() {
    }

    /**
     * The report, one line per inventory cable at the gateway ({@code cable gateway:P-M:Q}) and per
     * gateway port that hears a NIC the inventory does not put there ({@code port gateway:P}).
     *
     * @param heard per gateway port, the MACs it hears
     * @param cut the gateway's ports taken down by a cut (their cable is not expected to be heard)
     */
    static Map<String, String> report(SiteInventory site, String gateway, Map<Integer, List<MacAddress>> heard, Set<Integer> cut) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Cable c : site.cables()) {
            Optional<PortRef[]> ends = gatewayFirst(c, gateway);
            if (ends.isEmpty()) {
                continue;
            }
            PortRef at = ends.get()[0];
            PortRef other = ends.get()[1];
            MacAddress expected = nic(site, other);
            List<MacAddress> on = heard.getOrDefault(at.port(), List.of());
            String key = "cable " + at + "-" + other;
            if (cut.contains(at.port())) {
                out.put(key, "cut (" + at + " is down)");
            } else if (on.contains(expected)) {
                out.put(key, "seen: " + other + " (" + expected + ") netbooted through " + at);
            } else if (!on.isEmpty()) {
                out.put(key, "not seen: " + at + " hears " + describe(site, on) + " instead of " + other + " (" + expected + ")");
            } else {
                out.put(key, "not seen yet: no machine has netbooted through " + at);
            }
        }
        for (Map.Entry<Integer, List<MacAddress>> e : new java.util.TreeMap<>(heard).entrySet()) {
            PortRef at = new PortRef(gateway, e.getKey());
            for (MacAddress mac : e.getValue()) {
                Optional<PortRef> placed = site.cables().stream().map(c -> gatewayFirst(c, gateway)).flatMap(Optional::stream)
                        .filter(ends -> ends[0].equals(at)).map(ends -> ends[1]).findFirst();
                if (placed.isPresent() && mac.equals(nic(site, placed.get()))) {
                    continue;
                }
                Optional<PortRef> owner = owner(site, mac);
                String where = owner.map(o -> site.cables().stream().filter(c -> c.a().equals(o) || c.b().equals(o)).findFirst()
                        .map(c -> ", which the inventory cables to " + (c.a().equals(o) ? c.b() : c.a()))
                        .orElse(", which has no cable in the inventory")).orElse(", a NIC not in the inventory");
                out.merge("port " + at, "hears " + owner.map(o -> o + " (" + mac + ")").orElse(mac.toString()) + where,
                        (a, b) -> a + "; " + b);
            }
        }
        return out;
    }

    private static Optional<PortRef[]> gatewayFirst(Cable c, String gateway) {
        if (c.a().machine().equals(gateway)) {
            return Optional.of(new PortRef[] {c.a(), c.b()});
        }
        if (c.b().machine().equals(gateway)) {
            return Optional.of(new PortRef[] {c.b(), c.a()});
        }
        return Optional.empty();
    }

    private static MacAddress nic(SiteInventory site, PortRef port) {
        return site.machine(port.machine()).map(SiteMachine::nics).filter(n -> port.port() < n.size()).map(n -> n.get(port.port()))
                .orElseThrow(() -> new IllegalStateException("the inventory has no NIC " + port));
    }

    private static Optional<PortRef> owner(SiteInventory site, MacAddress mac) {
        for (SiteMachine m : site.machines()) {
            int i = m.nics().indexOf(mac);
            if (i >= 0) {
                return Optional.of(new PortRef(m.name(), i));
            }
        }
        return Optional.empty();
    }

    private static String describe(SiteInventory site, List<MacAddress> macs) {
        return String.join(", ", macs.stream().map(m -> owner(site, m).map(o -> o + " (" + m + ")").orElse(m + " (not in the inventory)"))
                .toList());
    }
}
