package io.kubermesh.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LocalMemberStatusTest {
    @Test
    void theGatewaysAnswerIsReadWithUnsigned64BitIds() throws Exception {
        // As etcd 3.4's JSON gateway writes it: uint64 as decimal strings, false booleans left out.
        String json = "{\"header\":{\"cluster_id\":\"14841639068965178418\",\"member_id\":\"10276657743932975437\","
                + "\"revision\":\"1\",\"raft_term\":\"2\"},\"version\":\"3.4.23\",\"dbSize\":\"20480\","
                + "\"leader\":\"10276657743932975437\",\"raftIndex\":\"4\",\"raftTerm\":\"2\",\"raftAppliedIndex\":\"4\","
                + "\"dbSizeInUse\":\"20480\"}";
        LocalMemberStatus s = LocalMemberStatus.parse(json);
        assertThat(Long.toUnsignedString(s.id())).isEqualTo("10276657743932975437");
        assertThat(s.isLeader()).isTrue();
        assertThat(s.learner()).isFalse();
    }

    @Test
    void aLearnerFollowingAnotherMemberIsNotTheLeader() throws Exception {
        LocalMemberStatus s = LocalMemberStatus.parse("{\"header\":{\"member_id\":\"5\"},\"leader\":\"7\",\"isLearner\":true}");
        assertThat(s.isLeader()).isFalse();
        assertThat(s.learner()).isTrue();
        assertThat(LocalMemberStatus.parse("{\"header\":{\"member_id\":\"5\"}}").isLeader()).isFalse();
    }
}
