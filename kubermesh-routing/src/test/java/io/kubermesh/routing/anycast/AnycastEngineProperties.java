package io.kubermesh.routing.anycast;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.testkit.ManualClock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** The engine against a reference hysteresis, for any sequence of check results. */
class AnycastEngineProperties {
    private static final Ipv6Address A = Ipv6Address.parse("fd65:7b9c:569:680::1");

    @Property(tries = 500)
    void announcedExactlyAsRiseAndFallSay(@ForAll @Size(max = 60) List<Boolean> results,
                                         @ForAll @IntRange(min = 1, max = 5) int rise,
                                         @ForAll @IntRange(min = 1, max = 5) int fall) {
        ManualClock clock = new ManualClock();
        Fakes.ScriptedProber prober = new Fakes.ScriptedProber();
        Fakes.RecordingAnnouncer announcer = new Fakes.RecordingAnnouncer();
        prober.script("svc", results.toArray(new Boolean[0]));
        AnycastEngine e = new AnycastEngine(Map.of(Fakes.service("svc", rise, fall, Duration.ofSeconds(1)), A), clock,
                prober, announcer);
        boolean up = false;
        int sinceChange = Integer.MAX_VALUE / 2;
        for (int i = 0; i < results.size(); i++) {
            e.runDueChecks();
            clock.advance(Duration.ofSeconds(1));
            // reference: up when the last `rise` results passed, down when the last `fall` failed
            boolean before = up;
            if (!up && i + 1 >= rise && results.subList(i + 1 - rise, i + 1).stream().allMatch(b -> b)) {
                up = true;
            } else if (up && i + 1 >= fall && results.subList(i + 1 - fall, i + 1).stream().noneMatch(b -> b)) {
                up = false;
            }
            if (up != before) {
                // no flapping: two changes are at least min(rise, fall) checks apart
                assertThat(sinceChange).isGreaterThanOrEqualTo(Math.min(rise, fall));
                sinceChange = 0;
            }
            sinceChange++;
            assertThat(e.announced("svc")).as("after check " + i).isEqualTo(up);
            assertThat(announcer.present.contains(A)).isEqualTo(up);
        }
        e.stop();
        assertThat(announcer.present).isEmpty();
        // calls alternate: never two announcements or two withdrawals in a row
        for (int i = 1; i < announcer.calls.size(); i++) {
            assertThat(announcer.calls.get(i).charAt(0)).isNotEqualTo(announcer.calls.get(i - 1).charAt(0));
        }
    }
}
