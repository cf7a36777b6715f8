package io.kubermesh.routing.daemon.frr;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.routing.daemon.Neighbour;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Adjacencies stuck in the database exchange, as {@code FrrMeshIT} saw them after kubermesh1 was
 * powered off and on: kubermesh1 in ExChange with 0.107.0.5 on cluster2, kubermesh4 in ExStart
 * with 0.107.0.2 on cluster2, for more than 30 s, every other adjacency full.
 */
class StuckAdjacenciesTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void onlyAdjacenciesInTheExchangeAreFound() {
        String json = "{\"neighbors\":[{\"neighborId\":\"0.107.0.1\",\"state\":\"Full\",\"interfaceName\":\"cluster0\"},"
                + "{\"neighborId\":\"0.107.0.3\",\"state\":\"Init\",\"interfaceName\":\"cluster1\"},"
                + "{\"neighborId\":\"0.107.0.5\",\"state\":\"ExChange\",\"interfaceName\":\"cluster2\"},"
                + "{\"neighborId\":\"0.107.0.6\",\"state\":\"ExStart\",\"interfaceName\":\"cluster3\"},"
                + "{\"neighborId\":\"0.107.0.7\",\"state\":\"Loading\",\"interfaceName\":\"cluster4\"},"
                + "{\"neighborId\":\"0.107.0.8\",\"state\":\"Twoway\",\"interfaceName\":\"cluster5\"}]}";
        List<StuckAdjacencies.Stuck> found = StuckAdjacencies.find(FrrReadback.neighbours(json));
        assertThat(found).extracting(StuckAdjacencies.Stuck::port).containsExactly("cluster2", "cluster3", "cluster4");
        assertThat(found.get(0).describe()).isEqualTo("the adjacency with 0.107.0.5 on cluster2 is still in ExChange after 3 audits");
        assertThat(StuckAdjacencies.find(List.of(new Neighbour("cluster0", "0.107.0.1", "Full", true)))).isEmpty();
    }

    @Test
    void aStuckAdjacencyIsDueAfterThreeAuditsInARowWhateverStateOfTheExchangeItIsIn() {
        RepairSchedule s = new RepairSchedule(2, Duration.ofSeconds(60));
        StuckAdjacencies.Stuck start = new StuckAdjacencies.Stuck("cluster2", "0.107.0.2", "ExStart");
        StuckAdjacencies.Stuck exchange = new StuckAdjacencies.Stuck("cluster2", "0.107.0.2", "ExChange");
        assertThat(s.due(List.of(start), 0)).isEmpty();
        assertThat(s.due(List.of(exchange), 5 * SECOND)).as("two audits are enough for a stale route, not for this").isEmpty();
        assertThat(s.due(List.of(start), 10 * SECOND)).containsOnlyKeys("cluster2");
        // Still stuck after the reset: not again within the minute.
        assertThat(s.due(List.of(start), 15 * SECOND)).isEmpty();
        // Full in between: counting starts again.
        assertThat(s.due(List.of(), 100 * SECOND)).isEmpty();
        assertThat(s.due(List.of(start), 105 * SECOND)).isEmpty();
        assertThat(s.due(List.of(start), 110 * SECOND)).isEmpty();
        assertThat(s.due(List.of(start), 115 * SECOND)).containsOnlyKeys("cluster2");
    }
}
