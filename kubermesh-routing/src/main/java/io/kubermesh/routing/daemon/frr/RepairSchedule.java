package io.kubermesh.routing.daemon.frr;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * When the stale-route audit repairs: a finding (a stale route, a stuck adjacency) must be seen
 * by {@code auditsBeforeRepair} audits in a row, or by as many as the finding asks if more (a
 * route that is still converging is right by the next one), and a port is reset at most once
 * per {@code atMostEvery}. Pure: the audit passes what it saw and the time
 * ({@code System.nanoTime()} in {@link FrrDaemon}, any monotonic count of nanoseconds in tests),
 * and gets the ports to reset, each with the route that made it due.
 */
final class RepairSchedule {
    private final int auditsBeforeRepair;
    private final long atMostEveryNanos;
    /** Per finding ({@link AuditFinding#key}): how many audits in a row saw it. */
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
     * One audit's findings at {@code nowNanos}: the ports to reset now (in the order their
     * findings came), each with the first finding on it that is due. A finding not seen this time
     * starts counting again from zero.
     */
    synchronized Map<String, AuditFinding> due(List<? extends AuditFinding> findings, long nowNanos) {
        Map<String, Integer> next = new HashMap<>();
        Map<String, AuditFinding> ports = new LinkedHashMap<>();
        for (AuditFinding s : findings) {
            String key = s.key();
            int times = seen.getOrDefault(key, 0) + 1;
            next.put(key, times);
            if (times >= Math.max(auditsBeforeRepair, s.audits())) {
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
