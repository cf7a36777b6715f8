package io.kubermesh.routing.anycast;

import io.kubermesh.api.KubermeshException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Drives an {@link AnycastEngine} on a thread of its own: runs the checks when due, sleeps until
 * the next. {@link #close()} stops the thread and withdraws every announced /128 before returning.
 */
public final class AnycastHealth implements AutoCloseable {
    private final AnycastEngine engine;
    private final Clock clock;
    private final Thread thread;
    private final Object lock = new Object();
    private volatile boolean running = true;

    private AnycastHealth(AnycastEngine engine, Clock clock) {
        this.engine = engine;
        this.clock = clock;
        this.thread = new Thread(this::loop, "anycast-health");
        thread.setDaemon(true);
    }

    /** Starts checking at once. The engine must be driven by nothing else. */
    public static AnycastHealth start(AnycastEngine engine, Clock clock) {
        AnycastHealth h = new AnycastHealth(engine, clock);
        h.thread.start();
        return h;
    }

    public boolean announced(String service) {
        synchronized (lock) {
            return engine.announced(service);
        }
    }

    private void loop() {
        while (running) {
            Optional<Instant> due;
            synchronized (lock) {
                if (!running) {
                    return;
                }
                engine.runDueChecks();
                due = engine.nextDue();
            }
            long wait = due.map(d -> Duration.between(clock.instant(), d).toMillis()).orElse(1000L);
            if (wait > 0) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted while stopping anycast health checks", e);
        }
        synchronized (lock) {
            engine.stop();
        }
    }
}
