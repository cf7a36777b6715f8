package io.kubermesh.controlplane.node;

import io.kubermesh.controlplane.etcd.EtcdMembership.Member;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What a machine that runs no etcd member does after looking at the membership: nothing while the
 * cluster has its members, take up an entry already added for its peer URL (it added itself and
 * restarted before its etcd started), or add itself when members are missing. Pure.
 */
public sealed interface JoinDecision {
    /** The cluster has {@code wanted} members (voters and learners): stay a plain node. */
    record Enough(int members) implements JoinDecision {
    }

    /** The membership already lists this machine's peer URL: start etcd as that member. */
    record TakeUp(Member member) implements JoinDecision {
    }

    /** Fewer members than wanted: add this machine (as a learner, then promote it). */
    record Add(int members) implements JoinDecision {
    }

    /** Decides for the machine whose peer URL is {@code peer}. */
    static JoinDecision decide(List<Member> members, URI peer, int wanted) {
        Optional<Member> mine = members.stream().filter(m -> m.peerUrls().contains(peer)).findFirst();
        if (mine.isPresent()) {
            return new TakeUp(mine.get());
        }
        return members.size() >= wanted ? new Enough(members.size()) : new Add(members.size());
    }
}
