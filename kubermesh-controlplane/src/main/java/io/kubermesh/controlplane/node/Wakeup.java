package io.kubermesh.controlplane.node;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/** The node loop's pause between ticks, cut short by {@link #wake}; wakes that come while it works count once. */
final class Wakeup {
    private final Semaphore permits = new Semaphore(0);

    void wake() {
        if (permits.availablePermits() == 0) {
            permits.release();
        }
    }

    /** Waits up to {@code tick}, or until woken (also by a wake since the last pause); true when woken. */
    boolean pause(Duration tick) throws InterruptedException {
        boolean woken = permits.tryAcquire(tick.toMillis(), TimeUnit.MILLISECONDS);
        permits.drainPermits();
        return woken;
    }
}
