package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.lab.RouteComparison;
import io.kubermesh.lab.RouteComparison.Hop;
import io.kubermesh.lab.RouteComparison.Match;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RoutesCommandTest {
    private static final List<RouteComparison> ROUTES = List.of(
            new RouteComparison("kubermesh1", "2001:db8::b/128", "kubermesh2 host",
                    List.of(new Hop("cluster1", "fe80::1"), new Hop("cluster2", "fe80::2")),
                    List.of(new Hop("cluster2", "fe80::2")), Match.subset),
            new RouteComparison("kubermesh1", "2001:db8:0:1::/120", "kubermesh2 pods",
                    List.of(new Hop("cluster1", "fe80::1")), List.of(new Hop("cluster1", "fe80::1")), Match.yes),
            new RouteComparison("kubermesh1", "2001:db8::d/128", "kubermesh3 host", List.of(),
                    List.of(new Hop("cluster0", null)), Match.extra));

    @Test
    void theTableShowsBothSidesAndCountsEachKindOfMatch() {
        StringWriter s = new StringWriter();
        RoutesCommand.table(new PrintWriter(s, true), ROUTES);
        List<String> lines = s.toString().lines().toList();
        assertThat(lines.get(0)).contains("FROM", "DESTINATION", "PREDICTED", "INSTALLED", "MATCH");
        assertThat(lines.get(1)).contains("kubermesh1", "2001:db8::b/128", "kubermesh2 host",
                "cluster1 fe80::1, cluster2 fe80::2").endsWith("subset");
        assertThat(lines.get(1).indexOf("cluster2 fe80::2", lines.get(1).indexOf("cluster2 fe80::2") + 1)).isPositive();
        assertThat(lines.get(3)).contains("  -  ").contains("cluster0").endsWith("extra");
        assertThat(lines.get(4)).isEqualTo("3 routes: 1 yes, 1 subset, 1 extra");
    }

    @Test
    void toSelectsTheDestinationsHoldingTheAddress() {
        assertThat(RoutesCommand.select(ROUTES, Optional.of(Ipv6Address.parse("2001:db8:0:1::42"))))
                .extracting(RouteComparison::target).containsExactly("kubermesh2 pods");
        assertThat(RoutesCommand.select(ROUTES, Optional.of(Ipv6Address.parse("2001:db8::b"))))
                .extracting(RouteComparison::target).containsExactly("kubermesh2 host");
        assertThat(RoutesCommand.select(ROUTES, Optional.of(Ipv6Address.parse("2001:db8::99")))).isEmpty();
        assertThat(RoutesCommand.select(ROUTES, Optional.empty())).hasSize(3);
    }

    @Test
    void jsonHasTheContractsFieldNames() throws Exception {
        JsonNode j = new ObjectMapper().readTree(LabCommands.JSON.writeValueAsString(ROUTES));
        JsonNode first = j.get(0);
        assertThat(first.fieldNames()).toIterable().contains("destination", "predicted", "installed", "match");
        assertThat(first.get("match").asText()).isEqualTo("subset");
        assertThat(first.get("predicted").get(1).get("interface").asText()).isEqualTo("cluster2");
        assertThat(first.get("predicted").get(1).get("via").asText()).isEqualTo("fe80::2");
        assertThat(j.get(2).get("installed").get(0).get("via").isNull()).isTrue();
    }

    @Test
    void aToThatIsNoAddressIsBadInput() {
        PlanCommandTest.Result r = PlanCommandTest.run("routes", "--lab", "/nonexistent-kmch", "--to", "not-an-address");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--to").contains("not-an-address");
    }
}
