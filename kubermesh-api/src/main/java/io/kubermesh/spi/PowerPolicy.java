package io.kubermesh.spi;

import java.time.Duration;

/**
 * How long {@link MachinePower} waits.
 *
 * @param call the most one exchange with the BMC may take (a session opening, a reading, a request)
 * @param poll the pause between two readings while waiting for a state to hold
 * @param on how long a power-on may take to be seen as on
 * @param softOff how long the operating system gets to shut down before power is cut
 * @param hardOff how long a cut may take to be seen as off
 */
public record PowerPolicy(Duration call, Duration poll, Duration on, Duration softOff, Duration hardOff) {
    /** Ten-second calls, one-second polls, 60 s to come on, 120 s to shut down, 30 s to cut. */
    public static final PowerPolicy DEFAULT = new PowerPolicy(Duration.ofSeconds(10), Duration.ofSeconds(1),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(30));

    public PowerPolicy {
        for (Duration d : new Duration[] {call, poll, on, softOff, hardOff}) {
            if (d == null || d.isNegative()) {
                throw new IllegalArgumentException("power timeouts are durations of zero or more");
            }
        }
        if (call.isZero() || poll.isZero()) {
            throw new IllegalArgumentException("a BMC call and a poll interval take some time");
        }
    }

    public PowerPolicy withSoftOff(Duration softOff) {
        return new PowerPolicy(call, poll, on, softOff, hardOff);
    }
}
