package io.kubermesh.routing.daemon.frr;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The audit's pace: every tick while routing changes, every 30 s once it has been steady for 2 min. */
class AuditCadenceTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 7_000 * S;

    private static AuditCadence cadence() {
        return new AuditCadence(Duration.ofMinutes(2), Duration.ofSeconds(30), T0);
    }

    /** The seconds (from T0) of the 5 s ticks in [from, to) at which the audit read the daemons. */
    private static List<Integer> audits(AuditCadence c, int from, int to, String neighbours) {
        List<Integer> out = new ArrayList<>();
        for (int t = from; t < to; t += 5) {
            if (c.due(T0 + t * S)) {
                out.add(t);
                c.saw(neighbours, false, T0 + t * S);
            }
        }
        return out;
    }

    @Test
    void quickForTwoMinutesAfterAStartThenEveryThirtySeconds() {
        AuditCadence c = cadence();
        List<Integer> first = audits(c, 5, 120, "[cluster0/0.0.0.2/Full]");
        assertThat(first).hasSize(23); // every tick: 5, 10, ..., 115
        assertThat(audits(c, 120, 240, "[cluster0/0.0.0.2/Full]")).containsExactly(120, 150, 180, 210);
    }

    @Test
    void aNeighbourChangeOrAFindingMakesThemQuickAgain() {
        AuditCadence c = cadence();
        audits(c, 5, 300, "[cluster0/0.0.0.2/Full]");
        assertThat(c.quick(T0 + 300 * S)).isFalse();
        // a neighbour goes away: seen by the next steady audit, quick from then on
        List<Integer> after = audits(c, 300, 360, "[]");
        assertThat(after.get(0)).isLessThan(330);
        assertThat(after).contains(after.get(0) + 5, after.get(0) + 10);
        // a finding with the same neighbours keeps them quick
        AuditCadence d = cadence();
        audits(d, 5, 300, "[x]");
        assertThat(d.due(T0 + 330 * S)).isTrue();
        d.saw("[x]", true, T0 + 330 * S);
        assertThat(d.due(T0 + 335 * S)).isTrue();
    }

    @Test
    void aPortOrKeyChangeMakesThemQuickAgain() {
        AuditCadence c = cadence();
        audits(c, 5, 300, "[x]");
        c.changed(T0 + 301 * S);
        assertThat(audits(c, 305, 330, "[x]")).containsExactly(305, 310, 315, 320, 325);
    }

    /** Never more than one steady interval between audits, and never an audit skipped while quick. */
    @Property
    void neverLongerThanTheSteadyIntervalBetweenAudits(@ForAll @IntRange(min = 0, max = 400) int changeAt) {
        AuditCadence c = cadence();
        int last = 0;
        for (int t = 5; t < 800; t += 5) {
            if (t == changeAt - changeAt % 5) {
                c.changed(T0 + t * S);
            }
            boolean quick = c.quick(T0 + t * S);
            boolean due = c.due(T0 + t * S);
            if (quick) {
                assertThat(due).as("tick %d while quick", t).isTrue();
            }
            if (due) {
                c.saw("[x]", false, T0 + t * S);
                last = t;
            }
            assertThat(t - last).isLessThan(35);
        }
    }
}
