package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.addressing.site.SiteMachine;
import io.kubermesh.api.MacAddress;
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
                Map.entry("cable gateway:0-node1:0", "not seen yet: no machine has netbooted through gateway:0"),
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
}
