package io.kubermesh.routing.daemon.frr;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When the stale-route audit repairs: a stale route must be seen by {@code auditsBeforeRepair}
 * audits in a row (a route that is still converging is right by the next one), and a port is
 * reset at most once per {@code atMostEvery}. Pure: the audit passes what it saw and the time
 * ({@code System.nanoTime()} in {@link FrrDaemon}, any monotonic count of nanoseconds in tests),
 * and gets the ports to reset, each with the route that made it due.
 */
final class RepairSchedule {
    private final int auditsBeforeRepair;
    private final long atMostEveryNanos;
    /** Per stale prefix and port: how many audits in a row saw it. */
    private Map<String, Integer> seen = new HashMap<>();
    /** Per port: when it was last reset. */
    private final Map<String, Long> lastRepair = new HashMap<>();

    RepairSchedule(int auditsBeforeRepair, Duration atMostEvery) {
        if (auditsBeforeRepair < 1) {
            throw new IllegalArgumentException("auditsBeforeRepair must be at least 1, not " + auditsBeforeRepair);
        }
        this.auditsBeforeRepair = auditsBeforeRepair;
        this.atMostEveryNanos = atMostEvery.toNanos();
    }

    /**
     * One audit's findings at {@code nowNanos}: the ports to reset now (in the order their routes
     * came), each with the first stale route on it that is due. A route not seen this time starts
     * counting again from zero.
     */
    synchronized Map<String, StaleRoutes.Stale> due(List<StaleRoutes.Stale> stale, long nowNanos) {
        Map<String, Integer> next = new HashMap<>();
        Map<String, StaleRoutes.Stale> ports = new LinkedHashMap<>();
        for (StaleRoutes.Stale s : stale) {
            String key = s.prefix() + "@" + s.port();
            int times = seen.getOrDefault(key, 0) + 1;
            next.put(key, times);
            if (times >= auditsBeforeRepair) {
                ports.putIfAbsent(s.port(), s);
            }
        }
        seen = next;
        ports.keySet().removeIf(port -> {
            Long last = lastRepair.get(port);
            return last != null && nowNanos - last < atMostEveryNanos;
        });
        ports.keySet().forEach(port -> lastRepair.put(port, nowNanos));
        return ports;
    }

    /** An audit that could not read the daemons: what it saw before counts no more. */
    synchronized void forget() {
        seen = new HashMap<>();
    }
}
