package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One real etcd member on IPv6 loopback, as members run on host addresses in the mesh. */
class EtcdMemberIT {
    @TempDir
    Path dir;
    private EtcdMember member;

    @AfterEach
    void stop() {
        if (member != null) {
            member.stop();
        }
    }

    @Test
    void aMemberOnIpv6LoopbackServesTheStoreAndStopsWhenAsked() {
        URI client = URI.create("http://[::1]:" + LocalEtcd.freePort());
        URI peer = URI.create("http://[::1]:" + LocalEtcd.freePort());
        member = new EtcdMember(EtcdMember.Spec.single("v6", dir.resolve("v6"), client, peer))
                .startAndAwaitHealthy(LocalEtcd.START);
        assertThat(member.healthy()).isTrue();
        long pid = member.pid();
        assertThat(ProcessHandle.of(pid)).isPresent();
        try (EtcdAllocationStore store = EtcdAllocationStore.connect(List.of(client), "/kmcp-v6/")) {
            assertThat(store.compareAndSet("pool", 0, Map.of("a", "1"))).isTrue();
            assertThat(store.read("pool").entries()).containsEntry("a", "1");
        }
        member.stop();
        assertThat(member.isAlive()).isFalse();
        assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
        assertThat(member.healthy()).isFalse();
        // Stopped on purpose: supervision does not bring it back.
        assertThat(member.ensureRunning()).isFalse();
    }
}
