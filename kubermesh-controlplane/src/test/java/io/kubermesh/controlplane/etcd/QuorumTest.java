package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Set;
import org.junit.jupiter.api.Test;

class QuorumTest {
    @Test
    void majorityIsMoreThanHalf() {
        assertThat(Quorum.majority(1)).isEqualTo(1);
        assertThat(Quorum.majority(2)).isEqualTo(2);
        assertThat(Quorum.majority(3)).isEqualTo(2);
        assertThat(Quorum.majority(4)).isEqualTo(3);
        assertThat(Quorum.majority(5)).isEqualTo(3);
    }

    @Test
    void aDeadVoterOfThreeCanBeRemoved() {
        Quorum q = new Quorum(Set.of(1L, 2L, 3L), Set.of(1L, 2L));
        assertThat(q.held()).isTrue();
        assertThatCode(() -> q.checkRemove(3)).doesNotThrowAnyException();
    }

    @Test
    void aHealthyVoterIsNotRemovedWhileAnotherIsDead() {
        Quorum q = new Quorum(Set.of(1L, 2L, 3L), Set.of(1L, 2L));
        assertThatThrownBy(() -> q.checkRemove(1)).isInstanceOf(QuorumException.class)
                .hasMessageContaining("1 healthy of 2 voters").hasMessageContaining("needs 2");
    }

    @Test
    void withTwoDeadOfThreeNothingIsRemoved() {
        Quorum q = new Quorum(Set.of(1L, 2L, 3L), Set.of(1L));
        assertThat(q.held()).isFalse();
        assertThatThrownBy(() -> q.checkRemove(3)).isInstanceOf(QuorumException.class);
        assertThatThrownBy(() -> q.checkRemove(1)).isInstanceOf(QuorumException.class);
    }

    @Test
    void theLastVoterIsNeverRemoved() {
        assertThatThrownBy(() -> new Quorum(Set.of(7L), Set.of(7L)).checkRemove(7))
                .isInstanceOf(QuorumException.class).hasMessageContaining("last voting member");
    }

    @Test
    void learnersAndUnknownMembersDoNotCount() {
        Quorum q = new Quorum(Set.of(1L, 2L, 3L), Set.of(1L, 2L, 9L));
        assertThat(q.healthyVoters()).isEqualTo(2);
        assertThatCode(() -> q.checkRemove(9)).doesNotThrowAnyException();
    }

    @Test
    void aVoterIsAddedOnlyIfTheHealthyStayAMajorityUntilItStarts() {
        // 3 healthy of 3: a 4th voter needs 3 healthy, there are 3.
        assertThatCode(() -> new Quorum(Set.of(1L, 2L, 3L), Set.of(1L, 2L, 3L)).checkAddVoter()).doesNotThrowAnyException();
        // 2 healthy of 3: a 4th voter would need 3 healthy.
        assertThatThrownBy(() -> new Quorum(Set.of(1L, 2L, 3L), Set.of(1L, 2L)).checkAddVoter())
                .isInstanceOf(QuorumException.class).hasMessageContaining("learner");
        // 2 healthy of 2 (the dead one removed): a 3rd needs 2.
        assertThatCode(() -> new Quorum(Set.of(1L, 2L), Set.of(1L, 2L)).checkAddVoter()).doesNotThrowAnyException();
        // 1 of 1: a 2nd voter would need 2 healthy.
        assertThatThrownBy(() -> new Quorum(Set.of(1L), Set.of(1L)).checkAddVoter()).isInstanceOf(QuorumException.class);
    }
}
