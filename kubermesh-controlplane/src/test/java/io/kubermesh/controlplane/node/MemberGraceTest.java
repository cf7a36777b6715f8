package io.kubermesh.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MemberGraceTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private final MemberGrace grace = new MemberGrace(Duration.ofSeconds(15));

    private static Instant at(int seconds) {
        return T0.plusSeconds(seconds);
    }

    @Test
    void aMemberIsOverdueOnlyAfterTheGracePeriodWithoutAnswering() {
        grace.observe(at(0), Set.of(1L, 2L, 3L), Set.of(1L, 2L, 3L));
        assertThat(grace.overdue(at(100))).isEmpty();
        grace.observe(at(10), Set.of(1L, 2L, 3L), Set.of(1L, 2L));
        assertThat(grace.overdue(at(24))).isEmpty();
        assertThat(grace.unreachableFor(3L, at(24))).isEqualTo(Duration.ofSeconds(14));
        assertThat(grace.overdue(at(25))).contains(3L);
        assertThat(grace.unreachableFor(1L, at(25))).isZero();
    }

    @Test
    void answeringAgainResetsTheClock() {
        grace.observe(at(0), Set.of(1L, 2L), Set.of(1L));
        grace.observe(at(14), Set.of(1L, 2L), Set.of(1L, 2L));
        grace.observe(at(15), Set.of(1L, 2L), Set.of(1L));
        assertThat(grace.overdue(at(29))).isEmpty();
        assertThat(grace.overdue(at(30))).contains(2L);
    }

    @Test
    void theLongestUnreachableComesFirstAndRemovedMembersAreForgotten() {
        grace.observe(at(0), Set.of(1L, 2L, 3L), Set.of(1L, 3L));
        grace.observe(at(5), Set.of(1L, 2L, 3L), Set.of(1L));
        assertThat(grace.overdue(at(30))).contains(2L);
        grace.observe(at(31), Set.of(1L, 3L), Set.of(1L));
        assertThat(grace.timed()).containsExactly(3L);
        assertThat(grace.overdue(at(31))).contains(3L);
    }
}
