package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.addressing.identity.IdentityChoice;
import io.kubermesh.addressing.identity.InterfaceMac;
import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.addressing.site.SiteMachine;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.routing.daemon.NodeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The cables a person laid, checked against what the machines' ports hear: software cannot lay a
 * cable, so it compares. Two things name the machine at the other end of a port's cable: a
 * machine that netboots through a port holds a DHCPv6 lease there under its NIC's MAC (which names
 * the very NIC), and a routing neighbour on the port names its machine by its OSPF router id (the
 * plan's, from the MAC the identity rule picks from its NICs). Each inventory cable with an end
 * whose agent answered is {@code seen} (the other end's NIC or machine heard on it), {@code not
 * seen} (another machine heard there: the cables are swapped or wrong), or not seen yet (nothing
 * heard on the ends that answered); a NIC heard on a port the inventory does not cable it to is
 * named with where the inventory puts it.
 */
final class CablingCheck {
    /** What one port of a machine hears: the NICs holding a DHCPv6 lease there, and its routing neighbours' router ids (full adjacencies). */
    record Heard(List<MacAddress> clients, List<String> neighbours) {
        Heard {
            clients = List.copyOf(clients);
            neighbours = List.copyOf(neighbours);
        }

        static Heard clients(MacAddress... macs) {
            return new Heard(List.of(macs), List.of());
        }
    }

    private CablingCheck() {
    }

    /** The gateway's ports only, as the DHCPv6 leases there name them: {@link #report(SiteInventory, Map, String, Set)}. */
    static Map<String, String> report(SiteInventory site, String gateway, Map<Integer, List<MacAddress>> heard, Set<Integer> cut) {
        Map<Integer, Heard> ports = new TreeMap<>();
        heard.forEach((p, macs) -> ports.put(p, new Heard(macs, List.of())));
        return report(site, Map.of(gateway, ports), gateway, cut, gateway);
    }

    /**
     * The report about {@code about}: one line per inventory cable at it whose ends include a
     * machine in {@code heard} ({@code cable A:P-B:Q}, the gateway's end first), and one per port
     * of it that hears a NIC the inventory does not put there ({@code port A:P}).
     *
     * @param heard per machine whose agent answered, per port, what it hears
     * @param cut the gateway's ports taken down by a cut (their cable is not expected to be heard)
     */
    static Map<String, String> report(SiteInventory site, Map<String, Map<Integer, Heard>> heard, String gateway, Set<Integer> cut,
                                      String about) {
        return report(site, heard, Map.of(), gateway, gatewayEnds(gateway, cut), about);
    }

    /** The gateway's ports {@code cut} as the ends of cables. */
    static Set<PortRef> gatewayEnds(String gateway, Set<Integer> cut) {
        Set<PortRef> ends = new java.util.HashSet<>();
        cut.forEach(p -> ends.add(new PortRef(gateway, p)));
        return ends;
    }

    /**
     * As above; a cable neither of whose ends answered, where one was asked and did not answer
     * ({@code unanswered}: machine to why), is {@code not known}, with why. {@code cut}: the ends
     * taken down by a cut, the gateway's or a netbooted machine's (their cable is not expected to be heard).
     */
    static Map<String, String> report(SiteInventory site, Map<String, Map<Integer, Heard>> heard, Map<String, String> unanswered,
                                      String gateway, Set<PortRef> cut, String about) {
        Map<String, String> routerIds = routerIds(site);
        Map<String, String> out = new LinkedHashMap<>();
        for (Cable c : site.cables()) {
            PortRef a = c.b().machine().equals(gateway) ? c.b() : c.a();
            PortRef b = a == c.a() ? c.b() : c.a();
            boolean at = a.machine().equals(about) || b.machine().equals(about);
            if (!at) {
                continue;
            }
            String key = "cable " + a + "-" + b;
            if (cut.contains(a) || cut.contains(b)) {
                out.put(key, "cut (" + (cut.contains(a) ? a : b) + " is down)");
                continue;
            }
            if (!heard.containsKey(a.machine()) && !heard.containsKey(b.machine())) {
                List<String> why = new ArrayList<>();
                for (String m : List.of(a.machine(), b.machine())) {
                    if (unanswered.containsKey(m)) {
                        why.add(m + "'s agent did not answer (" + unanswered.get(m) + ")");
                    }
                }
                if (!why.isEmpty()) {
                    out.put(key, "not known: " + String.join("; ", why));
                }
                continue;
            }
            out.put(key, cable(site, routerIds, heard, a, b));
        }
        for (Map.Entry<String, Map<Integer, Heard>> m : heard.entrySet()) {
            if (!m.getKey().equals(about)) {
                continue;
            }
            for (Map.Entry<Integer, Heard> e : new TreeMap<>(m.getValue()).entrySet()) {
                PortRef at = new PortRef(m.getKey(), e.getKey());
                Optional<PortRef> placed = otherEnd(site, at);
                for (MacAddress mac : e.getValue().clients()) {
                    if (placed.isPresent() && mac.equals(nic(site, placed.get()))) {
                        continue;
                    }
                    Optional<PortRef> owner = owner(site, mac);
                    String where = owner.map(o -> otherEnd(site, o).map(x -> ", which the inventory cables to " + x)
                            .orElse(", which has no cable in the inventory")).orElse(", a NIC not in the inventory");
                    out.merge("port " + at, "hears " + owner.map(o -> o + " (" + mac + ")").orElse(mac.toString()) + where,
                            (x, y) -> x + "; " + y);
                }
            }
        }
        return out;
    }

    /** One cable's line, from what its ends that answered hear. */
    private static String cable(SiteInventory site, Map<String, String> routerIds, Map<String, Map<Integer, Heard>> heard,
                                PortRef a, PortRef b) {
        List<String> others = new ArrayList<>();
        for (PortRef[] ends : new PortRef[][] {{a, b}, {b, a}}) {
            PortRef at = ends[0];
            PortRef far = ends[1];
            Map<Integer, Heard> ports = heard.get(at.machine());
            if (ports == null) {
                continue;
            }
            Heard h = ports.getOrDefault(at.port(), new Heard(List.of(), List.of()));
            MacAddress farNic = nic(site, far);
            if (h.clients().contains(farNic)) {
                return "seen: " + far + " (" + farNic + ") netbooted through " + at;
            }
            String farId = routerIds.get(far.machine());
            if (h.neighbours().contains(farId)) {
                return "seen: " + at + " has " + far.machine() + " (router id " + farId + ") as its routing neighbour";
            }
            List<String> there = new ArrayList<>();
            for (MacAddress mac : h.clients()) {
                there.add("hears " + owner(site, mac).map(o -> o + " (" + mac + ")").orElse(mac + " (not in the inventory)"));
            }
            for (String id : h.neighbours()) {
                String who = routerIds.entrySet().stream().filter(r -> r.getValue().equals(id)).map(Map.Entry::getKey).findFirst()
                        .map(n -> n + " (router id " + id + ")").orElse("router id " + id + " (no machine of the inventory)");
                there.add("has " + who + " as its routing neighbour");
            }
            if (!there.isEmpty()) {
                others.add(at + " " + String.join(" and ", there) + " instead of " + far + " (" + farNic + ")");
            }
        }
        if (!others.isEmpty()) {
            return "not seen: " + String.join("; ", others);
        }
        PortRef answered = heard.containsKey(a.machine()) ? a : b;
        return "not seen yet: no machine has netbooted through " + answered + " or is its routing neighbour";
    }

    /** The OSPF router id of each inventory machine: the plan's, from its identity MAC ({@link #identity}). */
    static Map<String, String> routerIds(SiteInventory site) {
        Map<String, String> out = new LinkedHashMap<>();
        for (SiteMachine m : site.machines()) {
            identity(m.nics()).ifPresent(mac -> out.put(m.name(), NodeConfig.routerIdText(NodeConfig.routerIdFor(mac))));
        }
        return out;
    }

    /** The MAC the identity rule picks from a machine's NICs, named as the node OS names its ports ({@code clusterI}). */
    static Optional<MacAddress> identity(List<MacAddress> nics) {
        List<InterfaceMac> named = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            named.add(new InterfaceMac("cluster" + i, nics.get(i)));
        }
        return IdentityChoice.pick(named).map(InterfaceMac::mac);
    }

    private static Optional<PortRef> otherEnd(SiteInventory site, PortRef at) {
        return site.cables().stream().filter(c -> c.a().equals(at) || c.b().equals(at)).findFirst()
                .map(c -> c.a().equals(at) ? c.b() : c.a());
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
}
