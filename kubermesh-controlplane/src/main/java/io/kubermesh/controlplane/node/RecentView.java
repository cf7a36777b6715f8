package io.kubermesh.controlplane.node;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A member's own view for its status: while its process runs, its last answer stands in for
 * reads that do not answer, for {@code grace}. A member does not stop being a voter (etcd has no
 * demotion), and one that is really gone fails its own health and anycast checks, so a busy
 * machine's slow answer does not make the status say {@code starting} (which also holds back the
 * member's anycast check).
 */
final class RecentView {
    private final Duration grace;
    private LocalMemberStatus last;
    private Instant at;

    RecentView(Duration grace) {
        this.grace = grace;
    }

    /** A read answered with {@code view} at {@code now}. */
    void answered(LocalMemberStatus view, Instant now) {
        last = view;
        at = now;
    }

    /** A new member (or none): what the last one said no longer counts. */
    void forget() {
        last = null;
        at = null;
    }

    /** What the status shows: the read of now, or the last answer while the process runs and it is at most {@code grace} old. */
    Optional<LocalMemberStatus> view(Optional<LocalMemberStatus> read, boolean alive, Instant now) {
        if (read.isPresent()) {
            return read;
        }
        if (last != null && alive && !now.isAfter(at.plus(grace))) {
            return Optional.of(last);
        }
        return Optional.empty();
    }
}
