package io.kubermesh.controlplane.etcd;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.cluster.MemberAddResponse;
import io.kubermesh.api.KubermeshException;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The etcd member API as kubermesh uses it: list members with their health, add a member as a
 * learner or a voter before its process starts, promote a learner, remove a member. Every change
 * that could lose quorum is checked against {@link Quorum} first and refused if it would.
 */
public final class EtcdMembership {
    /**
     * One member as etcd lists it.
     *
     * @param id etcd's member id
     * @param name empty for a member added but not started yet
     * @param peerUrls where the other members reach it
     * @param clientUrls where clients reach it; empty until it starts
     * @param learner true for a non-voting learner
     */
    public record Member(long id, String name, List<URI> peerUrls, List<URI> clientUrls, boolean learner) {
        public Member {
            peerUrls = List.copyOf(peerUrls);
            clientUrls = List.copyOf(clientUrls);
        }

        /** The id as etcd prints it (hex). */
        public String hexId() {
            return Long.toHexString(id);
        }
    }

    /** A member and whether it answered healthy. */
    public record MemberHealth(Member member, boolean healthy) {
    }

    /** How long an addition is retried while etcd calls the cluster not ready for it (its health interval is 5 s). */
    private static final Duration ADD_WAIT = Duration.ofSeconds(20);

    private final Client client;
    private final Duration timeout;
    private final Predicate<Member> probe;

    /** Membership through {@code client}; health probed with {@code GET /health} on each member's client URLs. */
    public EtcdMembership(Client client, Duration timeout) {
        this(client, timeout, m -> m.clientUrls().stream().anyMatch(EtcdMember::healthy));
    }

    /** With another health probe. */
    public EtcdMembership(Client client, Duration timeout, Predicate<Member> probe) {
        this.client = client;
        this.timeout = timeout;
        this.probe = probe;
    }

    /** Every member, voters and learners. */
    public List<Member> list() {
        return await(client.getClusterClient().listMember(), "list members").getMembers().stream()
                .map(m -> new Member(m.getId(), m.getName(), m.getPeerURIs(), m.getClientURIs(), m.isLearner()))
                .collect(Collectors.toUnmodifiableList());
    }

    /** Every member with the result of its health probe. */
    public List<MemberHealth> health() {
        return list().stream().map(m -> new MemberHealth(m, probe.test(m))).collect(Collectors.toUnmodifiableList());
    }

    /** The voters and the healthy members, as the quorum rule sees them now. */
    public Quorum quorum() {
        Set<Long> voters = new HashSet<>();
        Set<Long> healthy = new HashSet<>();
        for (MemberHealth h : health()) {
            if (!h.member().learner()) {
                voters.add(h.member().id());
            }
            if (h.healthy()) {
                healthy.add(h.member().id());
            }
        }
        return new Quorum(voters, healthy);
    }

    /** The member with that name, if any. */
    public Optional<Member> byName(String name) {
        return list().stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** Adds a learner at {@code peerUrl}; start its process with {@link EtcdMember.Spec#joining} afterwards. */
    public Member addLearner(URI peerUrl) {
        return add(peerUrl, true);
    }

    /**
     * Adds a voter at {@code peerUrl}, if the healthy voters stay a majority while it is not yet running.
     *
     * @throws QuorumException if they would not
     */
    public Member addVoter(URI peerUrl) {
        quorum().checkAddVoter();
        return add(peerUrl, false);
    }

    /**
     * Promotes a learner to a voter, retrying while etcd says it is not in sync with the leader yet.
     *
     * @throws KubermeshException if it is still not promotable when {@code wait} runs out
     */
    public void promote(long id, Duration wait) {
        promote(id, wait, () -> null);
    }

    /**
     * As {@link #promote(long, Duration)}, giving up early when {@code hopeless} names a reason
     * (non-null) between tries: a learner whose process has exited never gets in sync.
     */
    public void promote(long id, Duration wait, java.util.function.Supplier<String> hopeless) {
        retrying(wait, hopeless, () -> await(client.getClusterClient().promoteMember(id), "promote member " + Long.toHexString(id)));
    }

    /**
     * Removes a member, if the healthy voters left are still a majority.
     *
     * @throws QuorumException if they would not be
     */
    public void remove(long id) {
        quorum().checkRemove(id);
        await(client.getClusterClient().removeMember(id), "remove member " + Long.toHexString(id));
    }

    private Member add(URI peerUrl, boolean learner) {
        // etcd refuses changes ("unhealthy cluster") until its leader has been connected to every
        // member for a few seconds, e.g. right after a removal or an election: that passes, so retry.
        MemberAddResponse r = retrying(ADD_WAIT, () -> await(client.getClusterClient().addMember(List.of(peerUrl), learner),
                "add member at " + peerUrl));
        io.etcd.jetcd.cluster.Member m = r.getMember();
        return new Member(m.getId(), m.getName(), m.getPeerURIs(), m.getClientURIs(), m.isLearner());
    }

    private static <T> T retrying(Duration wait, java.util.function.Supplier<T> call) {
        return retrying(wait, () -> null, call);
    }

    /** Tries {@code call} until it succeeds, {@code wait} runs out, or {@code hopeless} names a reason to stop. */
    private static <T> T retrying(Duration wait, java.util.function.Supplier<String> hopeless, java.util.function.Supplier<T> call) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                return call.get();
            } catch (QuorumException e) {
                throw e;
            } catch (KubermeshException e) {
                String why = hopeless.get();
                if (why != null) {
                    throw new KubermeshException(e.getMessage() + "; not tried again: " + why, e);
                }
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KubermeshException("interrupted while changing etcd membership", e);
            }
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        return EtcdClients.await(future, timeout, what);
    }
}
