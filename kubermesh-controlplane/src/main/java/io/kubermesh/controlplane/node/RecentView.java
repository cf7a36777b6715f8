package io.kubermesh.controlplane.node;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A member's own view for its status: while its process runs, its last answer stands in for
 * reads that do not answer, for {@code grace}; after that a member last seen as a voter is still
 * shown as a voter, with no leader known, for as long as its process runs. A member does not stop
 * being a voter (etcd has no demotion; a removed member's process exits), and one that is really
 * gone or hung fails its own health and anycast checks, so a busy machine's slow answers do not
 * make the status say {@code starting}, which holds back the member's anycast check: under TCG a
 * 2-member cluster's gateway and kubermesh1 both withdrew the etcd anycast address that way for
 * 6 s (LibvirtLabIT, 2026-12-06), leaving no holder at all while both members were voters.
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

    /**
     * What the status shows: the read of now; else, while the process runs, the last answer while
     * it is at most {@code grace} old, and after that a last answer of a voter as a voter that
     * knows no leader; else nothing.
     */
    Optional<LocalMemberStatus> view(Optional<LocalMemberStatus> read, boolean alive, Instant now) {
        if (read.isPresent()) {
            return read;
        }
        if (last == null || !alive) {
            return Optional.empty();
        }
        if (!now.isAfter(at.plus(grace))) {
            return Optional.of(last);
        }
        return last.learner() ? Optional.empty() : Optional.of(new LocalMemberStatus(last.id(), 0, false));
    }
}
