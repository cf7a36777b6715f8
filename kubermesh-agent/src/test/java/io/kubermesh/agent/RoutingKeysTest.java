package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.routing.daemon.RoutingKey;
import io.kubermesh.routing.daemon.RoutingKeyring;
import java.security.SecureRandom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The steps of a routing key roll and the record etcd holds (RoutingKeys), without etcd. */
class RoutingKeysTest {
    private static final RoutingKey K1 = new RoutingKey(1, "1".repeat(64));
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aRollIsAcceptThenSendThenRetireAndTheNextStartsFromTheRetiredRing() {
        RoutingKeys.Record accept = RoutingKeys.next(Optional.empty(), RoutingKeyring.of(K1), RANDOM);
        assertThat(accept.step()).isEqualTo(RoutingKeys.Step.ACCEPT);
        assertThat(accept.ring().send()).isEqualTo(K1);
        assertThat(accept.ring().accepted()).hasSize(1);
        RoutingKey k2 = accept.ring().accepted().get(0);
        assertThat(k2.id()).isEqualTo(2);
        assertThat(k2.secret()).isNotEqualTo(K1.secret()).hasSize(64);

        RoutingKeys.Record send = RoutingKeys.next(Optional.of(accept), RoutingKeyring.of(K1), RANDOM);
        assertThat(send.step()).isEqualTo(RoutingKeys.Step.SEND);
        assertThat(send.ring()).isEqualTo(new RoutingKeyring(k2, List.of(K1)));

        RoutingKeys.Record retire = RoutingKeys.next(Optional.of(send), RoutingKeyring.of(K1), RANDOM);
        assertThat(retire.step()).isEqualTo(RoutingKeys.Step.RETIRE);
        assertThat(retire.ring()).isEqualTo(RoutingKeyring.of(k2));

        // The next roll starts from etcd's ring, not from the (possibly stale) ring of the member asked.
        RoutingKeys.Record again = RoutingKeys.next(Optional.of(retire), RoutingKeyring.of(K1), RANDOM);
        assertThat(again.step()).isEqualTo(RoutingKeys.Step.ACCEPT);
        assertThat(again.ring().send()).isEqualTo(k2);
        assertThat(again.ring().accepted().get(0).id()).isEqualTo(3);
    }

    @Test
    void aStepIsTakenOnlyFromTheStepTheCallerSawAndARetryWritesNothing() {
        RoutingKeys.Record accept = RoutingKeys.stepFrom("none", Optional.empty(), RoutingKeyring.of(K1), RANDOM).orElseThrow();
        assertThat(accept.step()).isEqualTo(RoutingKeys.Step.ACCEPT);
        // The same call again (a retry on another voter after a lost answer): nothing to write.
        assertThat(RoutingKeys.stepFrom("none", Optional.of(accept), RoutingKeyring.of(K1), RANDOM)).isEmpty();
        // A caller that saw an older step, or one not yet reached, is refused: no step is skipped.
        assertThatThrownBy(() -> RoutingKeys.stepFrom("send", Optional.of(accept), RoutingKeyring.of(K1), RANDOM))
                .isInstanceOf(KubermeshException.class).hasMessageContaining("at step accept, not send");
        RoutingKeys.Record send = RoutingKeys.stepFrom("accept", Optional.of(accept), RoutingKeyring.of(K1), RANDOM).orElseThrow();
        assertThat(send.step()).isEqualTo(RoutingKeys.Step.SEND);
        assertThatThrownBy(() -> RoutingKeys.stepFrom("none", Optional.of(send), RoutingKeyring.of(K1), RANDOM))
                .isInstanceOf(KubermeshException.class).hasMessageContaining("at step send, not none");
        RoutingKeys.Record retire = RoutingKeys.stepFrom("send", Optional.of(send), RoutingKeyring.of(K1), RANDOM).orElseThrow();
        assertThat(RoutingKeys.stepFrom("send", Optional.of(retire), RoutingKeyring.of(K1), RANDOM)).isEmpty();
        // After a retirement the next roll starts again from it.
        assertThat(RoutingKeys.stepFrom("retire", Optional.of(retire), RoutingKeyring.of(K1), RANDOM).orElseThrow().step())
                .isEqualTo(RoutingKeys.Step.ACCEPT);
        assertThatThrownBy(() -> RoutingKeys.stepAfter("later")).isInstanceOf(KubermeshException.class)
                .hasMessageContaining("none, accept, send, retire");
    }

    @Test
    void keyIdsWrapAfter65535() {
        RoutingKey last = new RoutingKey(65535, "a".repeat(64));
        RoutingKeys.Record accept = RoutingKeys.next(Optional.empty(), RoutingKeyring.of(last), RANDOM);
        assertThat(accept.ring().accepted().get(0).id()).isEqualTo(1);
    }

    @Test
    void twoRollsNeverMakeTheSameKey() {
        RoutingKey a = RoutingKeys.next(Optional.empty(), RoutingKeyring.of(K1), RANDOM).ring().accepted().get(0);
        RoutingKey b = RoutingKeys.next(Optional.empty(), RoutingKeyring.of(K1), RANDOM).ring().accepted().get(0);
        assertThat(a.secret()).isNotEqualTo(b.secret());
    }

    @Test
    void aMemberWhoseFileHoldsTwoKeysWithNoRollUnderWayRefusesToStartOne() {
        RoutingKeyring odd = new RoutingKeyring(K1, List.of(new RoutingKey(2, "2".repeat(64))));
        assertThatThrownBy(() -> RoutingKeys.next(Optional.empty(), odd, RANDOM))
                .isInstanceOf(KubermeshException.class).hasMessageContaining("changed by hand");
    }

    @Test
    void aRecordWhoseRingDoesNotFitItsStepIsRefused() {
        RoutingKeys.Record broken = new RoutingKeys.Record(RoutingKeys.Step.ACCEPT, RoutingKeyring.of(K1));
        assertThatThrownBy(() -> RoutingKeys.next(Optional.of(broken), RoutingKeyring.of(K1), RANDOM))
                .isInstanceOf(KubermeshException.class).hasMessageContaining("step accept");
    }

    @Test
    void theRecordRoundTripsThroughItsJson() {
        RoutingKeys.Record send = new RoutingKeys.Record(RoutingKeys.Step.SEND,
                new RoutingKeyring(new RoutingKey(2, "2".repeat(64)), List.of(K1)));
        String json = send.toJson();
        assertThat(json).isEqualTo("{\"step\":\"send\",\"ring\":\"2 " + "2".repeat(64) + "\\n1 " + "1".repeat(64) + "\\n\"}");
        assertThat(RoutingKeys.Record.parse(json)).isEqualTo(send);
    }

    @Test
    void theAnswerNamesIdsAndNeverASecret() {
        RoutingKeys.Record send = new RoutingKeys.Record(RoutingKeys.Step.SEND,
                new RoutingKeyring(new RoutingKey(2, "2".repeat(64)), List.of(K1)));
        var answer = send.answer();
        assertThat(answer.step()).isEqualTo("send");
        assertThat(answer.ids()).isEqualTo("2 (also accepting 1)");
        assertThat(answer.toString()).doesNotContain("1111", "2222");
    }

    @Test
    void malformedRecordsAreRefusedNamingTheKeyAndNotTheSecret() {
        String ring = "1 " + "1".repeat(64) + "\\n";
        for (String bad : List.of("", "not json", "[]", "{}", "{\"step\":\"send\"}", "{\"ring\":\"" + ring + "\"}",
                "{\"step\":\"later\",\"ring\":\"" + ring + "\"}", "{\"step\":3,\"ring\":\"" + ring + "\"}",
                "{\"step\":\"send\",\"ring\":\"\"}", "{\"step\":\"send\",\"ring\":\"1 xyz\"}",
                "{\"step\":\"send\",\"ring\":\"" + ring + ring + "\"}")) {
            assertThatThrownBy(() -> RoutingKeys.Record.parse(bad)).as(bad)
                    .isInstanceOf(KubermeshException.class)
                    .hasMessageContaining(RoutingKeys.KEY)
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("1".repeat(64)));
        }
    }
}
