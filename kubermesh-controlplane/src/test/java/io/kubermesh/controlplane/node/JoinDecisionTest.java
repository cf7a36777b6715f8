package io.kubermesh.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.controlplane.etcd.EtcdMembership.Member;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class JoinDecisionTest {
    private static final URI ME = URI.create("http://[2001:db8::a00]:2380");

    private static Member member(long id, String name, String peer, boolean learner) {
        return new Member(id, name, List.of(URI.create(peer)), List.of(), learner);
    }

    @Test
    void fewerMembersThanWantedMeansAdd() {
        List<Member> one = List.of(member(1, "gateway", "http://[2001:db8::100]:2380", false));
        assertThat(JoinDecision.decide(one, ME, 3)).isEqualTo(new JoinDecision.Add(1));
        assertThat(JoinDecision.decide(one, ME, 1)).isEqualTo(new JoinDecision.Enough(1));
    }

    @Test
    void learnersCountSoTwoNewNodesDoNotBothJoinTheLastSeat() {
        List<Member> members = List.of(member(1, "gateway", "http://[2001:db8::100]:2380", false),
                member(2, "kubermesh1", "http://[2001:db8::200]:2380", false),
                member(3, "", "http://[2001:db8::300]:2380", true));
        assertThat(JoinDecision.decide(members, ME, 3)).isEqualTo(new JoinDecision.Enough(3));
    }

    @Test
    void anEntryWithThisNodesPeerUrlIsTakenUpEvenWhenTheClusterIsFull() {
        Member mine = member(3, "", ME.toString(), true);
        List<Member> members = List.of(member(1, "gateway", "http://[2001:db8::100]:2380", false),
                member(2, "kubermesh1", "http://[2001:db8::200]:2380", false), mine);
        assertThat(JoinDecision.decide(members, ME, 3)).isEqualTo(new JoinDecision.TakeUp(mine));
    }
}
