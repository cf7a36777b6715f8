package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.addressing.site.SiteMachine;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CablingCheckTest {
    private static final MacAddress G0 = MacAddress.parse("52:54:00:00:01:00");
    private static final MacAddress G1 = MacAddress.parse("52:54:00:00:01:01");
    private static final MacAddress N1 = MacAddress.parse("52:54:00:00:02:00");
    private static final MacAddress N2 = MacAddress.parse("52:54:00:00:03:00");
    private static final MacAddress N2B = MacAddress.parse("52:54:00:00:03:01");
    private static final SiteInventory SITE = new SiteInventory("s", List.of(
            new SiteMachine("gateway", List.of(G0, G1, MacAddress.parse("52:54:00:00:01:02")), Optional.empty()),
            new SiteMachine("node1", List.of(N1), Optional.empty()),
            new SiteMachine("node2", List.of(N2, N2B), Optional.empty())),
            List.of(new Cable(new PortRef("gateway", 0), new PortRef("node1", 0)),
                    new Cable(new PortRef("node2", 0), new PortRef("gateway", 1))));

    @Test
    void aCableWhoseNicNetbootedThroughItsPortIsSeen() {
        Map<String, String> r = CablingCheck.report(SITE, "gateway", Map.of(0, List.of(N1), 1, List.of(N2)), Set.of());
        assertThat(r).containsExactly(
                Map.entry("cable gateway:0-node1:0", "seen: node1:0 (52:54:00:00:02:00) netbooted through gateway:0"),
                Map.entry("cable gateway:1-node2:0", "seen: node2:0 (52:54:00:00:03:00) netbooted through gateway:1"));
    }

    @Test
    void swappedCablesAreNamedBothWays() {
        Map<String, String> r = CablingCheck.report(SITE, "gateway", Map.of(0, List.of(N2), 1, List.of(N1)), Set.of());
        assertThat(r).containsEntry("cable gateway:0-node1:0",
                "not seen: gateway:0 hears node2:0 (52:54:00:00:03:00) instead of node1:0 (52:54:00:00:02:00)");
        assertThat(r).containsEntry("port gateway:0", "hears node2:0 (52:54:00:00:03:00), which the inventory cables to gateway:1");
        assertThat(r).containsEntry("port gateway:1", "hears node1:0 (52:54:00:00:02:00), which the inventory cables to gateway:0");
    }

    @Test
    void nothingHeardIsNotSeenYetAndACutPortSaysSo() {
        Map<String, String> r = CablingCheck.report(SITE, "gateway", Map.of(), Set.of(1));
        assertThat(r).containsExactly(
                Map.entry("cable gateway:0-node1:0", "not seen yet: no machine has netbooted through gateway:0 or is its routing neighbour"),
                Map.entry("cable gateway:1-node2:0", "cut (gateway:1 is down)"));
    }

    @Test
    void aStrangerOrAnUncabledNicOnAFreePortIsReported() {
        MacAddress stranger = MacAddress.parse("02:00:00:00:00:99");
        Map<String, String> r = CablingCheck.report(SITE, "gateway", Map.of(0, List.of(N1), 2, List.of(stranger, N2B)), Set.of());
        assertThat(r).containsEntry("cable gateway:0-node1:0", "seen: node1:0 (52:54:00:00:02:00) netbooted through gateway:0");
        assertThat(r).containsEntry("port gateway:2", "hears 02:00:00:00:00:99, a NIC not in the inventory; "
                + "hears node2:1 (52:54:00:00:03:01), which has no cable in the inventory");
        assertThat(r).doesNotContainKey("port gateway:0");
    }

    /** gateway:0 - a:0, a:1 - b:0, b:1 - c:0: a chain whose cables beyond the gateway only the agents at their ends can see. */
    private static final MacAddress A0 = MacAddress.parse("3c:ec:ef:00:0a:00");
    private static final MacAddress A1 = MacAddress.parse("3c:ec:ef:00:0a:01");
    private static final MacAddress B0 = MacAddress.parse("3c:ec:ef:00:0b:00");
    private static final MacAddress B1 = MacAddress.parse("3c:ec:ef:00:0b:01");
    private static final MacAddress C0 = MacAddress.parse("3c:ec:ef:00:0c:00");
    private static final SiteInventory CHAIN = new SiteInventory("s", List.of(
            new SiteMachine("gateway", List.of(G0), Optional.empty()),
            new SiteMachine("a", List.of(A0, A1), Optional.empty()),
            new SiteMachine("b", List.of(B0, B1), Optional.empty()),
            new SiteMachine("c", List.of(C0), Optional.empty())),
            List.of(new Cable(new PortRef("gateway", 0), new PortRef("a", 0)),
                    new Cable(new PortRef("a", 1), new PortRef("b", 0)),
                    new Cable(new PortRef("b", 1), new PortRef("c", 0))));

    @Test
    void eachMachinesRouterIdIsThePlansFromItsIdentityMac() {
        // the lowest universally administered MAC of its NICs; the router id is its low 32 bits
        assertThat(CablingCheck.routerIds(CHAIN)).containsEntry("a", "239.0.10.0").containsEntry("b", "239.0.11.0")
                .containsEntry("c", "239.0.12.0");
        assertThat(CablingCheck.identity(List.of(MacAddress.parse("52:54:00:00:00:09"), B1, B0))).contains(B0);
    }

    @Test
    void aCableBeyondTheGatewayIsSeenByARoutingNeighbourOrALeaseAtEitherEnd() {
        // a's agent answers: its port 1 has b as a full routing neighbour; b netbooted through a:1 too
        Map<String, Map<Integer, CablingCheck.Heard>> heard = Map.of(
                "a", Map.of(0, new CablingCheck.Heard(List.of(), List.of("0.0.1.0")), 1, new CablingCheck.Heard(List.of(), List.of("239.0.11.0"))),
                "b", Map.of(0, new CablingCheck.Heard(List.of(), List.of("239.0.10.0")), 1, CablingCheck.Heard.clients(C0)));
        assertThat(CablingCheck.report(CHAIN, heard, "gateway", Set.of(), "a")).containsExactly(
                Map.entry("cable gateway:0-a:0", "seen: a:0 has gateway (router id 0.0.1.0) as its routing neighbour"),
                Map.entry("cable a:1-b:0", "seen: a:1 has b (router id 239.0.11.0) as its routing neighbour"));
        // about b: c netbooted through b:1 (its lease names c's very NIC), and c's own agent does not answer
        assertThat(CablingCheck.report(CHAIN, heard, "gateway", Set.of(), "b")).containsExactly(
                Map.entry("cable a:1-b:0", "seen: a:1 has b (router id 239.0.11.0) as its routing neighbour"),
                Map.entry("cable b:1-c:0", "seen: c:0 (3c:ec:ef:00:0c:00) netbooted through b:1"));
        // only the far end answered: it is enough
        assertThat(CablingCheck.report(CHAIN, Map.of("b", heard.get("b")), "gateway", Set.of(), "a"))
                .containsExactly(Map.entry("cable a:1-b:0", "seen: b:0 has a (router id 239.0.10.0) as its routing neighbour"));
        // no end of a cable answered: nothing is said of it
        assertThat(CablingCheck.report(CHAIN, Map.of(), "gateway", Set.of(), "c")).isEmpty();
        // unless an end was asked and did not answer: not known, and why
        assertThat(CablingCheck.report(CHAIN, Map.of(), Map.of("b", "relay: no whole answer within 15 s"), "gateway", Set.of(), "c"))
                .containsExactly(Map.entry("cable b:1-c:0", "not known: b's agent did not answer (relay: no whole answer within 15 s)"));
        assertThat(CablingCheck.report(CHAIN, Map.of("a", heard.get("a")), Map.of("b", "refused"), "gateway", Set.of(), "b"))
                .containsEntry("cable a:1-b:0", "seen: a:1 has b (router id 239.0.11.0) as its routing neighbour")
                .containsEntry("cable b:1-c:0", "not known: b's agent did not answer (refused)");
    }

    @Test
    void aCableCutAtANetbootedMachinesEndSaysWhichEndIsDownWhateverTheEndsHear() {
        // b:0 taken down through b's agent; a:1 still lists b as a neighbour (its dead interval has not run out)
        Map<String, Map<Integer, CablingCheck.Heard>> heard = Map.of(
                "a", Map.of(1, new CablingCheck.Heard(List.of(), List.of("239.0.11.0"))), "b", Map.of());
        Set<Topology.PortRef> cut = Set.of(new Topology.PortRef("b", 0));
        assertThat(CablingCheck.report(CHAIN, heard, Map.of(), "gateway", cut, "a"))
                .containsEntry("cable a:1-b:0", "cut (b:0 is down)");
        // said even when neither end answers: the cut is this host's own record
        assertThat(CablingCheck.report(CHAIN, Map.of(), Map.of("a", "refused", "b", "refused"), "gateway", cut, "b"))
                .containsEntry("cable a:1-b:0", "cut (b:0 is down)")
                .containsEntry("cable b:1-c:0", "not known: b's agent did not answer (refused)");
        // the gateway's ports as ends
        assertThat(CablingCheck.gatewayEnds("gateway", Set.of(0, 2))).containsExactlyInAnyOrder(
                new Topology.PortRef("gateway", 0), new Topology.PortRef("gateway", 2));
    }

    @Test
    void aCableBeyondTheGatewayThatLeadsElsewhereIsNotSeenAndSaysWhatIsThere() {
        // b:1 and a:1 swapped: a:1's routing neighbour is c, b:0 hears a stranger's lease
        MacAddress stranger = MacAddress.parse("02:00:00:00:00:99");
        Map<String, Map<Integer, CablingCheck.Heard>> heard = Map.of(
                "a", Map.of(1, new CablingCheck.Heard(List.of(), List.of("239.0.12.0"))),
                "b", Map.of(0, CablingCheck.Heard.clients(stranger)));
        assertThat(CablingCheck.report(CHAIN, heard, "gateway", Set.of(), "b")).containsExactly(
                Map.entry("cable a:1-b:0", "not seen: a:1 has c (router id 239.0.12.0) as its routing neighbour instead of b:0"
                        + " (3c:ec:ef:00:0b:00); b:0 hears 02:00:00:00:00:99 (not in the inventory) instead of a:1 (3c:ec:ef:00:0a:01)"),
                Map.entry("cable b:1-c:0", "not seen yet: no machine has netbooted through b:1 or is its routing neighbour"),
                Map.entry("port b:0", "hears 02:00:00:00:00:99, a NIC not in the inventory"));
        // a neighbour that is no machine of the inventory is named by its router id
        assertThat(CablingCheck.report(CHAIN, Map.of("a", Map.of(1, new CablingCheck.Heard(List.of(), List.of("10.9.8.7")))),
                "gateway", Set.of(), "a")).containsEntry("cable a:1-b:0",
                "not seen: a:1 has router id 10.9.8.7 (no machine of the inventory) as its routing neighbour instead of b:0 (3c:ec:ef:00:0b:00)");
    }
}
