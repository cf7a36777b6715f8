package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.Client;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.controlplane.etcd.EtcdMembership.Member;
import io.kubermesh.controlplane.etcd.EtcdMembership.MemberHealth;
import io.kubermesh.spi.AllocationStore.Snapshot;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three etcd members on loopback: a store keeps working when one is SIGKILLed, and the member
 * API replaces the dead one (remove it, add a learner, start it, promote it) without ever losing
 * quorum, ending with three healthy voters.
 */
class EtcdClusterIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;
    private final List<EtcdMember> members = new ArrayList<>();
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void stopAll() throws Exception {
        for (AutoCloseable c : clients) {
            c.close();
        }
        for (EtcdMember m : members) {
            m.stop();
        }
    }

    private List<EtcdMember> startCluster() {
        for (EtcdMember.Spec spec : LocalEtcd.cluster(dir, 3)) {
            members.add(new EtcdMember(spec).start());
        }
        for (EtcdMember m : members) {
            m.awaitHealthy(LocalEtcd.START);
        }
        return List.copyOf(members);
    }

    private List<URI> endpoints(List<EtcdMember> of) {
        return of.stream().map(EtcdMember::clientUrl).collect(Collectors.toList());
    }

    private static void put(EtcdAllocationStore store, String key, String value) {
        // A write may land on the dead member's connection first; the allocator's loop retries, so does this.
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (true) {
            try {
                Snapshot s = store.read("pool");
                Map<String, String> next = new HashMap<>(s.entries());
                next.put(key, value);
                if (store.compareAndSet("pool", s.version(), next)) {
                    return;
                }
            } catch (RuntimeException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
            }
        }
    }

    private static void awaitHealthyMembers(EtcdMembership membership, int n) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (membership.health().stream().filter(MemberHealth::healthy).count() != n) {
            assertThat(System.nanoTime()).as("%d healthy members within %s", n, TIMEOUT).isLessThan(deadline);
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Test
    void theStoreKeepsWorkingWhenAMemberIsKilled() {
        List<EtcdMember> cluster = startCluster();
        EtcdAllocationStore store = EtcdAllocationStore.connect(endpoints(cluster), "/kmcp-test/cluster/");
        clients.add(store);
        put(store, "before", "1");

        cluster.get(0).kill();
        assertThat(cluster.get(0).isAlive()).isFalse();
        assertThat(cluster.get(0).healthy()).isFalse();

        for (int i = 0; i < 20; i++) {
            put(store, "after-" + i, Integer.toString(i));
        }
        assertThat(store.read("pool").entries()).hasSize(21).containsEntry("before", "1");
        // A client of a survivor alone sees the same table.
        try (EtcdAllocationStore other = EtcdAllocationStore.connect(List.of(cluster.get(2).clientUrl()), "/kmcp-test/cluster/")) {
            assertThat(other.read("pool")).isEqualTo(store.read("pool"));
        }
    }

    @Test
    void aDeadMemberIsReplacedAndThreeHealthyVotersRemain() {
        List<EtcdMember> cluster = startCluster();
        Client client = EtcdClients.connect(endpoints(cluster.subList(1, 3)));
        clients.add(client);
        EtcdMembership membership = new EtcdMembership(client, TIMEOUT);
        assertThat(membership.list()).hasSize(3).noneMatch(Member::learner);
        assertThat(membership.quorum().healthyVoters()).isEqualTo(3);

        EtcdMember dead = cluster.get(0);
        dead.kill();
        Member deadMember = membership.byName(dead.spec().name()).orElseThrow();
        Member survivor = membership.byName(cluster.get(1).spec().name()).orElseThrow();
        // If the dead member led, the others answer unhealthy until they have elected a new leader.
        awaitHealthyMembers(membership, 2);
        assertThat(membership.health()).filteredOn(MemberHealth::healthy).hasSize(2);

        // Never by our own hand: removing a healthy member now, or adding a voter before removing
        // the dead one, would leave fewer healthy voters than a majority.
        assertThatThrownBy(() -> membership.remove(survivor.id())).isInstanceOf(QuorumException.class);
        assertThatThrownBy(() -> membership.addVoter(LocalEtcd.url())).isInstanceOf(QuorumException.class);
        assertThat(membership.list()).hasSize(3);

        membership.remove(deadMember.id());
        assertThat(membership.list()).hasSize(2).noneMatch(m -> m.id() == deadMember.id());

        // The replacement: added as a learner first, then started as an existing member, then promoted.
        URI peer = LocalEtcd.url();
        Member learner = membership.addLearner(peer);
        assertThat(learner.learner()).isTrue();
        Map<String, URI> cluster3 = new LinkedHashMap<>();
        cluster3.put(cluster.get(1).spec().name(), cluster.get(1).spec().peerUrl());
        cluster3.put(cluster.get(2).spec().name(), cluster.get(2).spec().peerUrl());
        cluster3.put("m3", peer);
        EtcdMember.Spec template = cluster.get(1).spec();
        EtcdMember replacement = new EtcdMember(new EtcdMember.Spec("m3", dir.resolve("m3"), LocalEtcd.url(), peer,
                cluster3, true, template.clusterToken(), template.heartbeat(), template.electionTimeout()));
        members.add(replacement);
        // Not started yet, it is not in sync: a caller that knows its process is gone stops
        // waiting at once instead of after the whole wait.
        long t0 = System.nanoTime();
        assertThatThrownBy(() -> membership.promote(learner.id(), Duration.ofSeconds(30), () -> "its process has exited"))
                .isInstanceOf(KubermeshException.class).hasMessageContaining("its process has exited");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).as("gave up before the wait ran out").isLessThan(Duration.ofSeconds(30));
        assertThat(membership.list()).filteredOn(m -> m.id() == learner.id()).singleElement().matches(Member::learner);
        replacement.startAndAwaitHealthy(LocalEtcd.START);
        membership.promote(learner.id(), Duration.ofSeconds(30));

        List<MemberHealth> after = membership.health();
        assertThat(after).hasSize(3).allMatch(MemberHealth::healthy).noneMatch(h -> h.member().learner());
        assertThat(after).extracting(h -> h.member().name()).containsExactlyInAnyOrder("m1", "m2", "m3");
        assertThat(membership.quorum().held()).isTrue();

        // The new member serves the data written before it joined.
        try (EtcdAllocationStore viaOld = EtcdAllocationStore.connect(List.of(cluster.get(1).clientUrl()), "/kmcp-test/r/");
             EtcdAllocationStore viaNew = EtcdAllocationStore.connect(List.of(replacement.clientUrl()), "/kmcp-test/r/")) {
            assertThat(viaOld.compareAndSet("pool", 0, Map.of("a", "1"))).isTrue();
            assertThat(viaNew.read("pool").entries()).containsEntry("a", "1");
        }
    }

    @Test
    void aSupervisedMemberThatDiesIsRestartedOnItsData() {
        List<EtcdMember> cluster = startCluster();
        EtcdMember m = cluster.get(2);
        long before = m.pid();
        // A crash the supervisor did not ask for: signal our own child directly, by its PID.
        ProcessHandle.of(before).orElseThrow().destroyForcibly();
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (m.isAlive() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(m.exited()).as("died without being stopped").isTrue();
        assertThat(m.ensureRunning()).isTrue();
        m.awaitHealthy(LocalEtcd.START);
        assertThat(m.pid()).isNotEqualTo(before);
        assertThat(m.exited()).isFalse();
        assertThat(m.ensureRunning()).isFalse();
        // Stopped on purpose: not an exit to restart from.
        m.stop();
        assertThat(m.exited()).isFalse();
        assertThat(m.ensureRunning()).isFalse();
    }
}
