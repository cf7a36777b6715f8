package io.kubermesh.routing.daemon.frr;

import java.time.Duration;

/**
 * When the stale-route audit reads the daemons. It looks every {@link FrrDaemon#AUDIT_EVERY} while
 * the node's routing moves (the daemons started, a port added or removed, keys given, the
 * neighbours or their states changed, a finding, a failed read) and for {@code steadyAfter} after
 * the last such change; once steady, every {@code steadyEvery}. The defects it repairs follow
 * adjacency changes, and one audit is a {@code vtysh} run that costs about 0.1 s of CPU here and
 * several seconds on a busy emulated machine, where audits every 5 s kept an idle node's CPU busy
 * (three TCG VMs on two cores). A stale route that appears with nothing changing is seen within
 * two steady audits instead of two quick ones.
 *
 * <p>Times are {@link System#nanoTime()} values, passed in (tested with made-up ones).
 */
final class AuditCadence {
    private final long steadyAfter;
    private final long steadyEvery;
    private long lastChange;
    private long lastAudit;
    private boolean audited;
    private String lastNeighbours = "";

    AuditCadence(Duration steadyAfter, Duration steadyEvery, long now) {
        this.steadyAfter = steadyAfter.toNanos();
        this.steadyEvery = steadyEvery.toNanos();
        this.lastChange = now;
    }

    /** Something changed the node's routing (a start, a port, keys, a failed read): quick audits again. */
    synchronized void changed(long now) {
        lastChange = now;
    }

    /** Whether the audit tick at {@code now} reads the daemons; if so, it counts as the last audit. */
    synchronized boolean due(long now) {
        if (audited && now - lastChange >= steadyAfter && now - lastAudit < steadyEvery) {
            return false;
        }
        audited = true;
        lastAudit = now;
        return true;
    }

    /**
     * What an audit saw: its neighbours (their ports, router ids and states, as one text) and
     * whether it found anything (a stale route, an adjacency under way). Either changing is a change.
     */
    synchronized void saw(String neighbours, boolean findings, long now) {
        if (findings || !neighbours.equals(lastNeighbours)) {
            lastChange = now;
        }
        lastNeighbours = neighbours;
    }

    /** True while audits run quickly (a change within {@code steadyAfter} of {@code now}). */
    synchronized boolean quick(long now) {
        return now - lastChange < steadyAfter;
    }
}
