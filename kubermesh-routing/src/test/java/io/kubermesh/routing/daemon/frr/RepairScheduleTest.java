package io.kubermesh.routing.daemon.frr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.daemon.frr.FrrReadback.InstalledRoute;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When the audit repairs: the same stale route twice in a row, a port at most once a minute. */
class RepairScheduleTest {
    private static final long SECOND = 1_000_000_000L;

    private static StaleRoutes.Stale stale(String prefix, String port) {
        Ipv6Prefix p = Ipv6Prefix.parse(prefix);
        return new StaleRoutes.Stale(p, "2.2.2.2", port, 20,
                new InstalledRoute(p, 30, List.of(new NextHop("kmother", Ipv6Address.parse("fe80::1")))));
    }

    @Test
    void aRouteIsRepairedOnlyWhenTwoAuditsInARowSeeIt() {
        RepairSchedule s = new RepairSchedule(2, Duration.ofSeconds(60));
        StaleRoutes.Stale a = stale("2001:db8::b/128", "kmab");
        assertThat(s.due(List.of(a), 0)).isEmpty();
        assertThat(s.due(List.of(), 5 * SECOND)).as("converged in between: counting starts again").isEmpty();
        assertThat(s.due(List.of(a), 10 * SECOND)).isEmpty();
        assertThat(s.due(List.of(a), 15 * SECOND)).containsOnlyKeys("kmab").containsValue(a);
    }

    @Test
    void aPortIsResetAtMostOncePerIntervalWhateverStaysStale() {
        RepairSchedule s = new RepairSchedule(2, Duration.ofSeconds(60));
        StaleRoutes.Stale a = stale("2001:db8::b/128", "kmab");
        StaleRoutes.Stale b = stale("2001:db8:b::/120", "kmab");
        StaleRoutes.Stale c = stale("2001:db8::c/128", "kmac");
        s.due(List.of(a, b), 0);
        assertThat(s.due(List.of(a, b), 5 * SECOND)).as("one reset per port, for its first route").containsOnlyKeys("kmab")
                .containsValue(a);
        assertThat(s.due(List.of(a, b), 10 * SECOND)).isEmpty();
        assertThat(s.due(List.of(a, c), 59 * SECOND)).isEmpty();
        assertThat(s.due(List.of(a, c), 65 * SECOND)).as("kmac is due; kmab again after 60 s").containsOnlyKeys("kmab", "kmac");
    }

    @Test
    void anAuditThatCouldNotReadTheDaemonsForgetsWhatWasSeen() {
        RepairSchedule s = new RepairSchedule(2, Duration.ofSeconds(60));
        StaleRoutes.Stale a = stale("2001:db8::b/128", "kmab");
        s.due(List.of(a), 0);
        s.forget();
        assertThat(s.due(List.of(a), 5 * SECOND)).isEmpty();
        assertThat(s.due(List.of(a), 10 * SECOND)).containsOnlyKeys("kmab");
        assertThatThrownBy(() -> new RepairSchedule(0, Duration.ofSeconds(1))).hasMessageContaining("at least 1");
    }
}
