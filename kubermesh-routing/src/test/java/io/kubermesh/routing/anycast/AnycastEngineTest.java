package io.kubermesh.routing.anycast;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.AnycastService;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.routing.anycast.AnycastEvent.Kind;
import io.kubermesh.testkit.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AnycastEngineTest {
    private static final Ipv6Address ETCD = Ipv6Address.parse("fd65:7b9c:569:680:98eb:c508:ea6b:b0b2");
    private static final Ipv6Address API = Ipv6Address.parse("fd65:7b9c:569:680::443");
    private static final Duration SECOND = Duration.ofSeconds(1);
    private ManualClock clock;
    private Fakes.ScriptedProber prober;
    private Fakes.RecordingAnnouncer announcer;
    private final List<AnycastEvent> heard = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        prober = new Fakes.ScriptedProber();
        announcer = new Fakes.RecordingAnnouncer();
    }

    private AnycastEngine engine(AnycastService... services) {
        Map<AnycastService, Ipv6Address> m = new LinkedHashMap<>();
        for (AnycastService s : services) {
            m.put(s, s.name().equals("etcd") ? ETCD : API);
        }
        AnycastEngine e = new AnycastEngine(m, clock, prober, announcer);
        e.addListener(heard::add);
        return e;
    }

    private List<Kind> tick(AnycastEngine e) {
        List<Kind> kinds = e.runDueChecks().stream().map(AnycastEvent::kind).toList();
        clock.advance(SECOND);
        return kinds;
    }

    @Test
    void announcesAfterRisePassesAndWithdrawsAfterFallFailures() {
        AnycastEngine e = engine(Fakes.service("etcd", 2, 3, SECOND));
        prober.script("etcd", true, true, false, false, false);
        assertThat(tick(e)).containsExactly(Kind.PASSING);
        assertThat(announcer.present).isEmpty();
        assertThat(tick(e)).containsExactly(Kind.ANNOUNCED);
        assertThat(announcer.present).containsExactly(ETCD);
        assertThat(e.announced("etcd")).isTrue();
        assertThat(tick(e)).containsExactly(Kind.FAILING);
        assertThat(tick(e)).isEmpty();
        assertThat(announcer.present).containsExactly(ETCD);
        assertThat(tick(e)).containsExactly(Kind.WITHDRAWN);
        assertThat(announcer.present).isEmpty();
        assertThat(heard.get(heard.size() - 1).consecutive()).isEqualTo(3);
        assertThat(heard).extracting(AnycastEvent::service).containsOnly("etcd");
        assertThat(heard).extracting(AnycastEvent::address).containsOnly(ETCD);
    }

    @Test
    void aFlappingCheckNeverFlapsTheRoute() {
        AnycastEngine e = engine(Fakes.service("etcd", 2, 2, SECOND));
        prober.script("etcd", true, false, true, false, true, false, true, false);
        for (int i = 0; i < 8; i++) {
            tick(e);
        }
        assertThat(announcer.calls).isEmpty();
        // once up, the same alternation never takes it down
        prober.script("etcd", true, true, false, true, false, true, false, true);
        for (int i = 0; i < 8; i++) {
            tick(e);
        }
        assertThat(announcer.calls).containsExactly("+" + ETCD);
    }

    @Test
    void checksRunOnlyWhenDueAtEachServicesInterval() {
        AnycastEngine e = engine(Fakes.service("etcd", 1, 1, Duration.ofSeconds(2)), Fakes.service("api", 1, 1, SECOND));
        prober.script("etcd", true, true);
        prober.script("api", true, true, true);
        assertThat(e.nextDue()).contains(clock.instant());
        e.runDueChecks();
        assertThat(prober.checked).containsExactly("api", "etcd");
        e.runDueChecks();
        assertThat(prober.checked).hasSize(2);
        assertThat(e.nextDue()).contains(clock.instant().plus(SECOND));
        clock.advance(SECOND);
        e.runDueChecks();
        assertThat(prober.checked).containsExactly("api", "etcd", "api");
        clock.advance(SECOND);
        e.runDueChecks();
        assertThat(prober.checked).containsExactly("api", "etcd", "api", "api", "etcd");
    }

    @Test
    void aLateCheckIsScheduledFromNowNotInThePast() {
        AnycastEngine e = engine(Fakes.service("etcd", 1, 1, SECOND));
        prober.script("etcd", true, true);
        e.runDueChecks();
        clock.advance(Duration.ofSeconds(10));
        e.runDueChecks();
        assertThat(e.nextDue()).contains(clock.instant().plus(SECOND));
    }

    @Test
    void stopWithdrawsEverythingAnnouncedAndEndsChecking() {
        AnycastEngine e = engine(Fakes.service("etcd", 1, 1, SECOND), Fakes.service("api", 1, 1, SECOND));
        prober.script("etcd", true);
        prober.script("api", false);
        tick(e);
        assertThat(announcer.present).containsExactly(ETCD);
        assertThat(e.stop()).extracting(AnycastEvent::kind).containsExactly(Kind.STOPPED);
        assertThat(announcer.present).isEmpty();
        assertThat(e.nextDue()).isEmpty();
        assertThat(e.runDueChecks()).isEmpty();
        assertThat(e.stop()).isEmpty();
    }

    @Test
    void aFailedAnnouncementIsRetriedAtTheNextPass() {
        AnycastEngine e = engine(Fakes.service("etcd", 1, 1, SECOND));
        prober.script("etcd", true, true);
        announcer.failNext = true;
        assertThat(tick(e)).containsExactly(Kind.PASSING, Kind.ANNOUNCE_FAILED);
        assertThat(heard.get(1).detail()).contains("netlink said no");
        assertThat(tick(e)).containsExactly(Kind.ANNOUNCED);
        assertThat(announcer.present).containsExactly(ETCD);
    }

    @Test
    void aProberExceptionCountsAsAFailure() {
        AnycastEngine e = engine(Fakes.service("etcd", 1, 1, SECOND));
        prober.script("etcd", true);
        tick(e);
        // the script is empty: the prober throws
        assertThat(tick(e)).containsExactly(Kind.FAILING, Kind.WITHDRAWN);
    }

    @Test
    void everyPassingCheckRenewsTheAnnouncementForFallPlusOneIntervals() {
        AnycastService etcd = Fakes.service("etcd", 2, 2, SECOND);
        AnycastEngine e = engine(etcd);
        prober.script("etcd", true, true, true, true, false);
        tick(e);
        assertThat(announcer.lifetimes).isEmpty();
        tick(e);
        tick(e);
        tick(e);
        // Announced once, then renewed by each of the two checks that passed after it.
        assertThat(announcer.calls).containsExactly("+" + ETCD);
        assertThat(announcer.lifetimes).containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofSeconds(3));
        tick(e);
        assertThat(announcer.lifetimes).as("a failing check renews nothing").hasSize(3);
        assertThat(AnycastEngine.lifetime(etcd)).isEqualTo(Duration.ofSeconds(3));
        assertThat(AnycastEngine.lifetime(Fakes.service("fast", 1, 1, Duration.ofMillis(100))))
                .as("at least 2 s: the kernel counts whole seconds").isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void anAnnouncementFoundAtStartIsTakenOverNotWithdrawnAndReannounced() {
        AnycastService etcd = Fakes.service("etcd", 2, 2, SECOND);
        announcer.present.add(ETCD);
        AnycastEngine e = new AnycastEngine(Map.of(etcd, ETCD), clock, prober, announcer, java.util.Set.of(ETCD));
        assertThat(e.announced("etcd")).isTrue();
        prober.script("etcd", true, false, false);
        assertThat(tick(e)).containsExactly(Kind.PASSING);
        assertThat(announcer.calls).as("renewed at the first pass, not re-announced").isEmpty();
        assertThat(announcer.lifetimes).hasSize(1);
        tick(e);
        assertThat(tick(e)).containsExactly(Kind.WITHDRAWN);
        assertThat(announcer.present).isEmpty();
    }
}
