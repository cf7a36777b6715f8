package io.kubermesh.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The loop's pause: a wake ends it, a wake during the work is not lost, several count once. */
class WakeupTest {
    @Test
    void aWakeDuringTheWorkEndsTheNextPauseAndWakesCountOnce() throws Exception {
        Wakeup w = new Wakeup();
        w.wake();
        w.wake();
        w.wake();
        assertThat(w.pause(Duration.ofHours(1))).isTrue(); // would hang the test without the wake
        assertThat(w.pause(Duration.ofMillis(1))).as("three wakes, one pause").isFalse();
    }

    @Test
    void aWakeFromAnotherThreadEndsAPauseUnderWay() throws Exception {
        Wakeup w = new Wakeup();
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            w.wake();
        });
        t.start();
        assertThat(w.pause(Duration.ofHours(1))).isTrue();
        t.join();
    }
}
