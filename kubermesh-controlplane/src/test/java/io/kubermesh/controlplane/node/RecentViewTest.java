package io.kubermesh.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RecentViewTest {
    private static final Instant T0 = Instant.parse("2026-12-06T15:00:00Z");
    private static final LocalMemberStatus VOTER = new LocalMemberStatus(7, 7, false);
    private static final LocalMemberStatus LEARNER = new LocalMemberStatus(8, 7, true);

    @Test
    void aReadThatAnswersIsShownAsItIs() {
        RecentView v = new RecentView(Duration.ofSeconds(5));
        v.answered(VOTER, T0);
        assertThat(v.view(Optional.of(LEARNER), true, T0.plusSeconds(1))).contains(LEARNER);
    }

    @Test
    void theLastAnswerStandsInWhileTheProcessRunsAndForAtMostTheGrace() {
        RecentView v = new RecentView(Duration.ofSeconds(5));
        v.answered(VOTER, T0);
        assertThat(v.view(Optional.empty(), true, T0.plusSeconds(1))).contains(VOTER);
        assertThat(v.view(Optional.empty(), true, T0.plusSeconds(5))).contains(VOTER);
        // Past the grace a voter is still a voter while its process runs, but its leadership is not known.
        LocalMemberStatus later = v.view(Optional.empty(), true, T0.plusSeconds(6)).orElseThrow();
        assertThat(later.id()).isEqualTo(VOTER.id());
        assertThat(later.learner()).isFalse();
        assertThat(later.isLeader()).isFalse();
        assertThat(v.view(Optional.empty(), true, T0.plusSeconds(3600))).contains(later);
        assertThat(v.view(Optional.empty(), false, T0.plusSeconds(6))).isEmpty();
    }

    @Test
    void aLearnerIsShownOnlyForTheGrace() {
        RecentView v = new RecentView(Duration.ofSeconds(5));
        v.answered(LEARNER, T0);
        assertThat(v.view(Optional.empty(), true, T0.plusSeconds(5))).contains(LEARNER);
        assertThat(v.view(Optional.empty(), true, T0.plusSeconds(6))).isEmpty();
    }

    @Test
    void aDeadProcessANewMemberOrNoAnswerYetShowNothing() {
        RecentView v = new RecentView(Duration.ofSeconds(5));
        assertThat(v.view(Optional.empty(), true, T0)).isEmpty();
        v.answered(VOTER, T0);
        assertThat(v.view(Optional.empty(), false, T0.plusSeconds(1))).isEmpty();
        v.forget();
        assertThat(v.view(Optional.empty(), true, T0.plusSeconds(1))).isEmpty();
    }
}
