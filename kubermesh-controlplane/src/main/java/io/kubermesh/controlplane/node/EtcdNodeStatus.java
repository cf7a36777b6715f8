package io.kubermesh.controlplane.node;

/**
 * This node's etcd member as status shows it.
 *
 * @param member the member name
 * @param id etcd's member id (hex), empty until the member answers
 * @param peerUrl where the other members reach it
 * @param clientUrl where clients reach it directly
 * @param role {@code voter}, {@code learner}, or {@code starting} until it answers
 * @param leader true if it is the raft leader
 * @param healthy true if {@code /health} answers healthy
 */
public record EtcdNodeStatus(String member, String id, String peerUrl, String clientUrl, String role, boolean leader,
                             boolean healthy) {
}
