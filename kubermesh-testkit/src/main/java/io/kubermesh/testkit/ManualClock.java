package io.kubermesh.testkit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that tests move by hand, for engines that take an injected {@link Clock}. Time stands
 * still until {@link #advance} or {@link #set} moves it; not thread-safe beyond the visibility
 * of its one field.
 */
public final class ManualClock extends Clock {
    /** Where a clock made without a start stands: a fixed instant, so runs are repeatable. */
    public static final Instant DEFAULT_START = Instant.parse("2026-11-26T00:00:00Z");

    private volatile Instant now;

    public ManualClock() {
        this(DEFAULT_START);
    }

    public ManualClock(Instant start) {
        this.now = start;
    }

    /** Moves the clock forward (or back, for a negative duration) and returns the new instant. */
    public Instant advance(Duration d) {
        now = now.plus(d);
        return now;
    }

    public void set(Instant instant) {
        now = instant;
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
