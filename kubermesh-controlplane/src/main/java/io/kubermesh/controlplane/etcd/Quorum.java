package io.kubermesh.controlplane.etcd;

import java.util.HashSet;
import java.util.Set;

/**
 * The rule that keeps kubermesh from breaking etcd's quorum with its own hands: a membership
 * change is allowed only if, right after it, the healthy voting members are still a majority of
 * the voting members. Learners never count. A pure value, so the rule is tested without etcd.
 *
 * @param voters the ids of the voting members
 * @param healthy the ids of the members that answer healthy (voters or learners)
 */
public record Quorum(Set<Long> voters, Set<Long> healthy) {
    public Quorum {
        voters = Set.copyOf(voters);
        healthy = Set.copyOf(healthy);
    }

    /** The smallest majority of {@code n} voters. */
    public static int majority(int n) {
        return n / 2 + 1;
    }

    /** How many voters are healthy now. */
    public int healthyVoters() {
        return (int) voters.stream().filter(healthy::contains).count();
    }

    /** True if the healthy voters are a majority now. */
    public boolean held() {
        return healthyVoters() >= majority(voters.size());
    }

    /**
     * Refuses to remove {@code member} if the voters left would not have a healthy majority.
     *
     * @throws QuorumException saying how many would be left and how many are needed
     */
    public void checkRemove(long member) {
        if (!voters.contains(member)) {
            return; // a learner or an unknown member: removing it changes no majority
        }
        Set<Long> after = new HashSet<>(voters);
        after.remove(member);
        long healthyAfter = after.stream().filter(healthy::contains).count();
        if (after.isEmpty()) {
            throw new QuorumException("refusing to remove member " + Long.toHexString(member)
                    + ": it is the last voting member");
        }
        if (healthyAfter < majority(after.size())) {
            throw new QuorumException("refusing to remove member " + Long.toHexString(member) + ": " + healthyAfter
                    + " healthy of " + after.size() + " voters would be left, and quorum needs " + majority(after.size()));
        }
    }

    /**
     * Refuses to add a voter that is not running yet (it counts as unhealthy until it starts) if
     * the healthy voters would then not be a majority. A learner can always be added.
     *
     * @throws QuorumException saying how many are healthy and how many would be needed
     */
    public void checkAddVoter() {
        int after = voters.size() + 1;
        if (healthyVoters() < majority(after)) {
            throw new QuorumException("refusing to add a voting member: " + healthyVoters() + " healthy of " + after
                    + " voters until it starts, and quorum needs " + majority(after)
                    + "; remove dead members first, or add it as a learner and promote it once it is in sync");
        }
    }
}
