package io.kubermesh.boot.ra;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

/** RFC 4861 sections 6.2.4 and 6.2.6 timing, driven by a hand-moved clock and scripted random draws. */
class AdvertisementScheduleTest {
    static final Instant T0 = Instant.parse("2026-11-26T12:00:00Z");
    static final Ipv6Address HOST = Ipv6Address.parse("fe80::5054:ff:feaa:c");
    static final Ipv6Address OTHER = Ipv6Address.parse("fe80::5054:ff:feaa:d");

    /** Draws as fractions of the bound, in order; records the bounds asked. */
    static final class Script implements RandomGenerator {
        final Deque<Double> fractions = new ArrayDeque<>();
        final List<Long> bounds = new ArrayList<>();

        Script(double... f) {
            for (double d : f) {
                fractions.add(d);
            }
        }

        @Override
        public long nextLong() {
            throw new AssertionError("only bounded draws are expected");
        }

        @Override
        public long nextLong(long bound) {
            bounds.add(bound);
            double f = fractions.isEmpty() ? 0 : fractions.poll();
            return Math.min(bound - 1, (long) (f * bound));
        }
    }

    static Instant at(double seconds) {
        return T0.plusMillis(Math.round(seconds * 1000));
    }

    static List<Ipv6Address> to(List<AdvertisementSchedule.Send> sends) {
        return sends.stream().map(AdvertisementSchedule.Send::to).toList();
    }

    @Test
    void periodicIntervalsAreDrawnBetweenMinAndMaxRtrAdvInterval() {
        Script random = new Script(0.0, 1.0, 0.5);
        AdvertisementSchedule s = new AdvertisementSchedule(Duration.ofSeconds(10), random, T0);
        assertThat(to(s.due(T0))).as("the first one at once").containsExactly(RouterAdvertiser.ALL_NODES);
        assertThat(s.nextDue()).as("draw 0: MinRtrAdvInterval = 0.33 x 10 s").isEqualTo(at(3.3));
        assertThat(s.due(at(3.299))).isEmpty();
        assertThat(to(s.due(at(3.3)))).containsExactly(RouterAdvertiser.ALL_NODES);
        assertThat(s.nextDue()).as("draw 1: MaxRtrAdvInterval").isEqualTo(at(13.3));
        s.due(at(13.3));
        assertThat(s.nextDue()).as("draw 0.5: halfway").isEqualTo(at(13.3 + 3.3 + 3.35));
        // the draws were over [0, max - min] in milliseconds, inclusive
        assertThat(random.bounds).containsOnly(6701L);
    }

    @Test
    void theFirstThreeIntervalsAreCappedAtSixteenSeconds() {
        AdvertisementSchedule s = new AdvertisementSchedule(Duration.ofSeconds(1800), new Script(1, 1, 1, 1), T0);
        List<Instant> sent = new ArrayList<>();
        Instant now = T0;
        for (int i = 0; i < 5; i++) {
            s.due(now);
            sent.add(now);
            now = s.nextDue();
        }
        assertThat(sent).containsExactly(T0, at(16), at(32), at(48), at(48 + 1800));
    }

    @Test
    void aSolicitationFromTheUnspecifiedAddressIsAnsweredToAllNodesAfterAtMostHalfASecond() {
        AdvertisementSchedule s = new AdvertisementSchedule(Duration.ofSeconds(10), new Script(1.0, 0.8, 1.0), T0);
        s.due(T0);
        assertThat(s.solicited(Ipv6Address.ZERO, at(5))).as("draw 0.8 of MAX_RA_DELAY_TIME").isEqualTo(at(5.4));
        assertThat(s.nextDue()).isEqualTo(at(5.4));
        assertThat(s.solicited(Ipv6Address.ZERO, at(5.1))).as("the same answer").isEqualTo(at(5.4));
        assertThat(s.due(at(5.399))).isEmpty();
        List<AdvertisementSchedule.Send> answer = s.due(at(5.4));
        assertThat(to(answer)).as("two solicitations, one answer").containsExactly(RouterAdvertiser.ALL_NODES);
        assertThat(answer.get(0).why()).contains("solicitation");
        assertThat(s.due(at(6))).isEmpty();
        assertThat(s.nextDue()).as("the answer restarted the periodic timer (draw 1.0)").isEqualTo(at(5.4 + 10));
    }

    @Test
    void multicastAnswersWaitThreeSecondsAfterTheLastAllNodesAdvertisement() {
        AdvertisementSchedule s = new AdvertisementSchedule(Duration.ofSeconds(10), new Script(1.0, 0.0), T0);
        s.due(T0);
        assertThat(s.solicited(Ipv6Address.ZERO, at(1))).as("MIN_DELAY_BETWEEN_RAS after the periodic one at 0")
                .isEqualTo(at(3));
        assertThat(s.nextDue()).isEqualTo(at(3));
        assertThat(s.due(at(2.9))).isEmpty();
        assertThat(to(s.due(at(3)))).containsExactly(RouterAdvertiser.ALL_NODES);
    }

    @Test
    void unicastAnswersAreDelayedAndRateLimitedPerHost() {
        AdvertisementSchedule s = new AdvertisementSchedule(Duration.ofSeconds(10), new Script(1.0, 0.2, 0.0, 0.0, 0.0), T0);
        s.due(T0);
        s.solicited(HOST, at(0.5));
        assertThat(s.nextDue()).isEqualTo(at(0.6));
        assertThat(to(s.due(at(0.6)))).as("to the soliciting host, not rate-limited by the multicast at 0")
                .containsExactly(HOST);
        assertThat(s.solicited(HOST, at(1))).isEqualTo(at(3.6));
        assertThat(s.solicited(HOST, at(1.5))).isEqualTo(at(3.6));
        s.solicited(OTHER, at(1));
        assertThat(to(s.due(at(1)))).as("another host is answered at once").containsExactly(OTHER);
        assertThat(s.due(at(3.599))).as("the same host waits MIN_DELAY_BETWEEN_RAS").isEmpty();
        assertThat(to(s.due(at(3.6)))).as("and gets one answer for two solicitations").containsExactly(HOST);
        assertThat(s.due(at(5))).isEmpty();
    }

    @Test
    void aFloodOfSolicitingHostsIsLeftToThePeriodicAdvertisement() {
        AdvertisementSchedule s = new AdvertisementSchedule(Duration.ofSeconds(10), new Script(1.0), T0);
        s.due(T0);
        for (int i = 0; i < AdvertisementSchedule.MAX_PENDING; i++) {
            assertThat(s.solicited(new Ipv6Address(0xfe80_0000_0000_0000L, i + 1), at(1))).isBefore(at(1.501));
        }
        assertThat(s.solicited(new Ipv6Address(0xfe80_0000_0000_0000L, 1000), at(1))).isEqualTo(at(10));
        assertThat(s.due(at(1.5))).hasSize(AdvertisementSchedule.MAX_PENDING);
    }
}
