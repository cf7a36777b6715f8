package io.kubermesh.controlplane.node;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which member has been unreachable longer than the grace period: each observation says which
 * members answered; a member that stops answering starts its clock, one that answers again
 * resets it, one that left the membership is forgotten. Pure, with the time passed in, so the
 * rule is tested without etcd or clocks.
 */
public final class MemberGrace {
    private final Duration grace;
    private final Map<Long, Instant> unreachableSince = new HashMap<>();

    public MemberGrace(Duration grace) {
        this.grace = grace;
    }

    /**
     * Records one look at the membership.
     *
     * @param members every member id etcd lists now
     * @param reachable the ids that answered
     */
    public void observe(Instant now, Set<Long> members, Set<Long> reachable) {
        unreachableSince.keySet().retainAll(members);
        for (long id : members) {
            if (reachable.contains(id)) {
                unreachableSince.remove(id);
            } else {
                unreachableSince.putIfAbsent(id, now);
            }
        }
    }

    /** The member unreachable the longest, if that is longer than the grace period. */
    public Optional<Long> overdue(Instant now) {
        return unreachableSince.entrySet().stream()
                .filter(e -> Duration.between(e.getValue(), now).compareTo(grace) >= 0)
                .min(Map.Entry.comparingByValue()).map(Map.Entry::getKey);
    }

    /** How long {@code id} has been unreachable (zero if it answers). */
    public Duration unreachableFor(long id, Instant now) {
        Instant since = unreachableSince.get(id);
        return since == null ? Duration.ZERO : Duration.between(since, now);
    }

    /** The members being timed now. */
    public List<Long> timed() {
        return List.copyOf(unreachableSince.keySet());
    }
}
