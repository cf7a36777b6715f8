package io.kubermesh.boot.ra;

import io.kubermesh.api.Ipv6Address;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * When one port sends router advertisements (RFC 4861 sections 6.2.4 and 6.2.6): a state machine
 * driven by the caller's clock and an injected random source, with no I/O.
 *
 * <ul>
 *   <li>Unsolicited advertisements go to all-nodes at intervals drawn uniformly from
 *       [MinRtrAdvInterval, MaxRtrAdvInterval], MaxRtrAdvInterval being the configured interval and
 *       MinRtrAdvInterval the RFC default of 0.33 times it; the first
 *       {@value #MAX_INITIAL_RTR_ADVERTISEMENTS} intervals are at most
 *       MAX_INITIAL_RTR_ADVERT_INTERVAL (16 s). The first one goes out at once.</li>
 *   <li>A solicitation is answered after a delay drawn uniformly from [0, MAX_RA_DELAY_TIME]
 *       (0.5 s). One from the unspecified address is answered to all-nodes; such an answer is
 *       never sent sooner than MIN_DELAY_BETWEEN_RAS (3 s) after the last all-nodes
 *       advertisement, several solicitations share one answer, and sending it restarts the
 *       periodic timer. One from a unicast address is answered to that address, at most once per
 *       MIN_DELAY_BETWEEN_RAS per address, so a host soliciting in a loop cannot make the node
 *       flood the link.</li>
 * </ul>
 */
public final class AdvertisementSchedule {
    static final int MAX_INITIAL_RTR_ADVERTISEMENTS = 3;
    static final Duration MAX_INITIAL_RTR_ADVERT_INTERVAL = Duration.ofSeconds(16);
    static final Duration MIN_DELAY_BETWEEN_RAS = Duration.ofSeconds(3);
    static final Duration MAX_RA_DELAY_TIME = Duration.ofMillis(500);
    /** Hosts with an answer pending at once; solicitations beyond wait for the next periodic advertisement. */
    static final int MAX_PENDING = 64;

    /** One advertisement to send now: where to, and why (for the exchange log). */
    public record Send(Ipv6Address to, String why) {
    }

    private final Duration minInterval;
    private final Duration maxInterval;
    private final RandomGenerator random;
    private Instant nextPeriodic;
    private int periodicSent;
    private Instant lastMulticast;
    private Instant multicastAnswer;
    private final Map<Ipv6Address, Instant> unicastAnswers = new HashMap<>();
    private final Map<Ipv6Address, Instant> lastUnicast = new HashMap<>();

    /**
     * @param maxInterval MaxRtrAdvInterval, the configured advertisement interval
     * @param random where the intervals and delays are drawn from
     * @param start now: the first unsolicited advertisement is due at once
     */
    public AdvertisementSchedule(Duration maxInterval, RandomGenerator random, Instant start) {
        this.maxInterval = maxInterval;
        this.minInterval = Duration.ofMillis(maxInterval.toMillis() * 33 / 100);
        this.random = random;
        this.nextPeriodic = start;
    }

    /**
     * A router solicitation arrived from {@code source} ({@link Ipv6Address#ZERO} when unspecified);
     * returns when its answer goes out.
     */
    public Instant solicited(Ipv6Address source, Instant now) {
        boolean multicast = source.equals(Ipv6Address.ZERO);
        if (multicast && multicastAnswer != null) {
            return multicastAnswer; // one answer for every solicitation until it goes out
        }
        if (!multicast && unicastAnswers.containsKey(source)) {
            return unicastAnswers.get(source);
        }
        if (!multicast && unicastAnswers.size() >= MAX_PENDING) {
            return nextPeriodic; // too many hosts waiting at once: the periodic advertisement will do
        }
        Instant at = now.plus(delay(MAX_RA_DELAY_TIME));
        Instant last = multicast ? lastMulticast : lastUnicast.get(source);
        if (last != null && at.isBefore(last.plus(MIN_DELAY_BETWEEN_RAS))) {
            at = last.plus(MIN_DELAY_BETWEEN_RAS);
        }
        if (multicast) {
            multicastAnswer = at;
        } else {
            unicastAnswers.put(source, at);
        }
        return at;
    }

    /** The advertisements due at {@code now}, at most one per destination; the schedule moves on as if they were sent. */
    public List<Send> due(Instant now) {
        List<Send> out = new ArrayList<>();
        boolean periodic = !now.isBefore(nextPeriodic);
        boolean answer = multicastAnswer != null && !now.isBefore(multicastAnswer);
        if (periodic || answer) {
            out.add(new Send(RouterAdvertiser.ALL_NODES, periodic ? "periodic" : "answer to solicitations from ::"));
            lastMulticast = now;
            multicastAnswer = null;
            // RFC 4861 section 6.2.6: a multicast answer resets the interval timer like an unsolicited advertisement
            Duration interval = minInterval.plus(delay(maxInterval.minus(minInterval)));
            if (periodicSent < MAX_INITIAL_RTR_ADVERTISEMENTS && interval.compareTo(MAX_INITIAL_RTR_ADVERT_INTERVAL) > 0) {
                interval = MAX_INITIAL_RTR_ADVERT_INTERVAL;
            }
            periodicSent++;
            nextPeriodic = now.plus(interval);
        }
        var it = unicastAnswers.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            if (!now.isBefore(e.getValue())) {
                out.add(new Send(e.getKey(), "answer to a solicitation"));
                lastUnicast.put(e.getKey(), now);
                it.remove();
            }
        }
        lastUnicast.values().removeIf(t -> !now.isBefore(t.plus(MIN_DELAY_BETWEEN_RAS)));
        return out;
    }

    /** When something is next due: the caller may sleep until then. */
    public Instant nextDue() {
        Instant next = nextPeriodic;
        if (multicastAnswer != null && multicastAnswer.isBefore(next)) {
            next = multicastAnswer;
        }
        for (Instant t : unicastAnswers.values()) {
            if (t.isBefore(next)) {
                next = t;
            }
        }
        return next;
    }

    /** A uniform draw from [0, upTo], to the millisecond. */
    private Duration delay(Duration upTo) {
        long millis = upTo.toMillis();
        return millis <= 0 ? Duration.ZERO : Duration.ofMillis(random.nextLong(millis + 1));
    }
}
