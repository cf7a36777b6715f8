package io.kubermesh.routing.anycast;

import io.kubermesh.api.AnycastService;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.routing.anycast.AnycastEvent.Kind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The health state machine of a node's anycast services, without threads or timers: an injected
 * {@link Clock} says when checks are due and {@link #runDueChecks()} runs them. Per service,
 * {@code rise} passing checks in a row announce its /128 and {@code fall} failing checks in a row
 * withdraw it, so a check that flips between pass and fail never makes the route flap. A service
 * starts withdrawn, unless it was found announced (an earlier agent's announcement, taken over).
 * {@link #stop()} withdraws everything announced.
 *
 * <p>Every announcement is made for {@link #lifetime(AnycastService)} and renewed by each passing
 * check, so it lapses within that time when the checks stop.
 *
 * <p>Not thread-safe: one caller (usually {@link AnycastHealth}) drives it.
 */
public final class AnycastEngine {
    private static final Duration MIN_LIFETIME = Duration.ofSeconds(2);
    private final Clock clock;
    private final Prober prober;
    private final Announcer announcer;
    private final List<State> states = new ArrayList<>();
    private final List<AnycastListener> listeners = new CopyOnWriteArrayList<>();
    private boolean stopped;

    private static final class State {
        final AnycastService service;
        final Ipv6Address address;
        Instant due;
        int passes;
        int failures;
        Boolean lastResult;
        boolean announced;

        State(AnycastService service, Ipv6Address address, Instant due) {
            this.service = service;
            this.address = address;
            this.due = due;
        }
    }

    /**
     * @param services each service with the /128 it is reached at (AddressPlan resolves derived
     *     addresses); the first check of each is due at once
     */
    public AnycastEngine(Map<AnycastService, Ipv6Address> services, Clock clock, Prober prober, Announcer announcer) {
        this(services, clock, prober, announcer, Set.of());
    }

    /**
     * @param alreadyAnnounced addresses found announced at start (by an agent that ran before):
     *     their services start announced, so a first passing check renews the announcement instead
     *     of withdrawing and re-announcing it after {@code rise}, and {@code fall} failing checks
     *     withdraw it
     */
    public AnycastEngine(Map<AnycastService, Ipv6Address> services, Clock clock, Prober prober, Announcer announcer,
                         Set<Ipv6Address> alreadyAnnounced) {
        this.clock = clock;
        this.prober = prober;
        this.announcer = announcer;
        Instant now = clock.instant();
        services.entrySet().stream().sorted((a, b) -> a.getKey().name().compareTo(b.getKey().name()))
                .forEach(e -> {
                    State s = new State(e.getKey(), e.getValue(), now);
                    s.announced = alreadyAnnounced.contains(e.getValue());
                    states.add(s);
                });
    }

    /**
     * How long one announcement lasts unless a passing check renews it: {@code fall + 1} check
     * intervals (at least 2 s, the kernel counts whole seconds), so a live engine renews it
     * {@code fall} times before it could lapse, and a dead one's lapses a little after a live
     * one would have withdrawn it.
     */
    public static Duration lifetime(AnycastService service) {
        Duration d = service.interval().multipliedBy(service.fall() + 1L);
        return d.compareTo(MIN_LIFETIME) < 0 ? MIN_LIFETIME : d;
    }

    public void addListener(AnycastListener listener) {
        listeners.add(listener);
    }

    /** When the next check is due; empty when stopped or without services. */
    public Optional<Instant> nextDue() {
        if (stopped) {
            return Optional.empty();
        }
        return states.stream().map(s -> s.due).min(Instant::compareTo);
    }

    /** Whether the service's /128 is currently announced. */
    public boolean announced(String service) {
        return states.stream().anyMatch(s -> s.service.name().equals(service) && s.announced);
    }

    /** Runs every check that is due now, in service-name order, and schedules each one's next. */
    public List<AnycastEvent> runDueChecks() {
        List<AnycastEvent> events = new ArrayList<>();
        if (stopped) {
            return events;
        }
        for (State s : states) {
            Instant now = clock.instant();
            if (now.isBefore(s.due)) {
                continue;
            }
            boolean ok;
            try {
                ok = prober.check(s.service);
            } catch (RuntimeException e) {
                ok = false;
            }
            record(s, ok, events);
            // The next check is an interval after this one was due (no drift), but never in the past.
            Instant next = s.due.plus(s.service.interval());
            Instant after = clock.instant();
            s.due = next.isAfter(after) ? next : after.plus(s.service.interval());
        }
        events.forEach(this::publish);
        return events;
    }

    private void record(State s, boolean ok, List<AnycastEvent> events) {
        if (ok) {
            s.passes++;
            s.failures = 0;
        } else {
            s.failures++;
            s.passes = 0;
        }
        if (s.lastResult == null || s.lastResult != ok) {
            events.add(event(s, ok ? Kind.PASSING : Kind.FAILING, 1, ""));
        }
        s.lastResult = ok;
        if (ok && s.announced) {
            try {
                announcer.announce(s.address, lifetime(s.service));
            } catch (RuntimeException e) {
                events.add(event(s, Kind.ANNOUNCE_FAILED, s.passes, String.valueOf(e.getMessage())));
            }
        } else if (ok && s.passes >= s.service.rise()) {
            try {
                announcer.announce(s.address, lifetime(s.service));
                s.announced = true;
                events.add(event(s, Kind.ANNOUNCED, s.passes, ""));
            } catch (RuntimeException e) {
                events.add(event(s, Kind.ANNOUNCE_FAILED, s.passes, String.valueOf(e.getMessage())));
            }
        } else if (!ok && s.announced && s.failures >= s.service.fall()) {
            withdraw(s, Kind.WITHDRAWN, s.failures, events);
        }
    }

    private void withdraw(State s, Kind kind, int consecutive, List<AnycastEvent> events) {
        try {
            announcer.withdraw(s.address);
            s.announced = false;
            events.add(event(s, kind, consecutive, ""));
        } catch (RuntimeException e) {
            events.add(event(s, Kind.WITHDRAW_FAILED, consecutive, String.valueOf(e.getMessage())));
        }
    }

    /** Withdraws every announced /128; no check runs afterwards. */
    public List<AnycastEvent> stop() {
        List<AnycastEvent> events = new ArrayList<>();
        if (stopped) {
            return events;
        }
        stopped = true;
        for (State s : states) {
            if (s.announced) {
                withdraw(s, Kind.STOPPED, 0, events);
            }
        }
        events.forEach(this::publish);
        return events;
    }

    private AnycastEvent event(State s, Kind kind, int consecutive, String detail) {
        return new AnycastEvent(s.service.name(), s.address, kind, clock.instant(), consecutive, detail);
    }

    private void publish(AnycastEvent e) {
        for (AnycastListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ignored) {
                // A listener's failure must not stop health checking.
            }
        }
    }
}
