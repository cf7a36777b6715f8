package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.kubermesh.addressing.ipam.Ipv4Allocator;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.pki.ClusterAuthority;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.net.InetAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real etcd 3.4 member with peer and client TLS, client certificates required and RBAC on, as
 * every node's member runs: who gets in, and what each certificate may do. Then the backend
 * quota: NOSPACE raised, reclaimed, writes taken again. Loopback only, a few seconds each.
 */
class EtcdTrustIT {
    private static final Duration CALL = Duration.ofSeconds(5);
    private static final Instant NOW = Instant.now();

    @TempDir
    Path tmp;
    private EtcdMember member;

    @AfterEach
    void stop() {
        if (member != null) {
            member.kill();
        }
    }

    private record Cluster(ClusterAuthority ca, NodeCredentials root, NodeCredentials node, URI url) {
    }

    /** One TLS member on ::1, authentication on with the member as root and one node user. */
    private Cluster start(long quota) throws Exception {
        ClusterAuthority ca = ClusterAuthority.create("it", NOW);
        Path state = tmp.resolve("state");
        NodeCredentials memberCreds = ca.issue(Identity.member("m0", List.of(InetAddress.getByName("::1"))), NOW);
        memberCreds.write(PkiFiles.directory(state), PkiFiles.MEMBER);
        URI client = URI.create("https://[::1]:" + LocalEtcd.freePort());
        URI peer = URI.create("https://[::1]:" + LocalEtcd.freePort());
        EtcdMember.Spec spec = EtcdMember.Spec.single("m0", tmp.resolve("m0"), client, peer)
                .withTls(new EtcdTls(PkiFiles.caCertificate(state), PkiFiles.certificate(state, PkiFiles.MEMBER),
                        PkiFiles.key(state, PkiFiles.MEMBER)))
                .withQuota(quota);
        NodeCredentials node = ca.issue(Identity.node(MacAddress.parse("52:54:00:00:05:00")), NOW);
        member = new EtcdMember(spec, EtcdBinary.locate(), EtcdProbe.tls(node.sslContext())).startAndAwaitHealthy(LocalEtcd.START);
        try (Client root = EtcdClients.connect(List.of(client), memberCreds)) {
            EtcdAccess access = new EtcdAccess(root, CALL);
            access.enable(memberCreds.commonName());
            access.ensureUser(node.commonName(), EtcdAccess.NODE_ROLE);
            // Twice is harmless (a bootstrap node that crashed half way does it again).
            access.enable(memberCreds.commonName());
        }
        return new Cluster(ca, memberCreds, node, client);
    }

    @Test
    void onlyCertificatesOfTheClusterCaGetInAndEachDoesOnlyWhatItsRoleAllows() throws Exception {
        Cluster c = start(EtcdMember.Spec.DEFAULT_QUOTA);
        // /health answers with a node certificate, authentication on.
        assertThat(EtcdProbe.tls(c.node().sslContext()).healthy(c.url())).isTrue();
        // Plain HTTP, and TLS with a certificate of another CA: nothing.
        assertThat(EtcdProbe.plain().answers(URI.create(c.url().toString().replace("https", "http")))).isFalse();
        NodeCredentials stranger = ClusterAuthority.create("rogue", NOW).issue(Identity.member("m0", List.of()), NOW);
        assertThat(EtcdProbe.tls(stranger.sslContext()).answers(c.url())).isFalse();
        try (Client rogue = EtcdClients.connect(List.of(c.url()), stranger)) {
            assertThatThrownBy(() -> put(rogue, "/kubermesh/allocations/x", "y")).isInstanceOf(KubermeshException.class);
        }

        try (Client node = EtcdClients.connect(List.of(c.url()), c.node());
             Client root = EtcdClients.connect(List.of(c.url()), c.root())) {
            // A node allocates.
            EtcdAllocationStore store = new EtcdAllocationStore(node, EtcdAllocationStore.DEFAULT_PREFIX, CALL);
            assertThat(Ipv4Allocator.nodeAddresses(store, Ipv4Pools.DEFAULT).allocate("52:54:00:00:05:00").network())
                    .isNotNull();
            // It lists members (to decide whether to join) but changes none, takes no lock, reads no CA key.
            assertThat(new EtcdMembership(node, CALL).list()).hasSize(1);
            assertThatThrownBy(() -> EtcdClients.await(node.getClusterClient().addMember(List.of(URI.create("https://[::1]:1")),
                    true), CALL, "add a member")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> new MembershipLock(node, Duration.ofSeconds(10), CALL).tryAcquire("n"))
                    .isInstanceOf(KubermeshException.class);
            put(root, EtcdAccess.CA_PREFIX + "key", "secret");
            assertThatThrownBy(() -> get(node, EtcdAccess.CA_PREFIX + "key")).isInstanceOf(KubermeshException.class);
            assertThatThrownBy(() -> put(node, "/kubermesh/enrolment/approved/52:54:00:00:05:09", "x"))
                    .isInstanceOf(KubermeshException.class);
            assertThat(get(root, EtcdAccess.CA_PREFIX + "key")).isEqualTo("secret");
            // The routing keys of a roll: members write them, a node reads them and writes none.
            put(root, EtcdAccess.ROUTING_KEYS_PREFIX + "ring", "keys");
            assertThat(get(node, EtcdAccess.ROUTING_KEYS_PREFIX + "ring")).isEqualTo("keys");
            assertThatThrownBy(() -> put(node, EtcdAccess.ROUTING_KEYS_PREFIX + "ring", "mine"))
                    .isInstanceOf(KubermeshException.class);
            // Revoked: the user goes, and the connection it holds is refused from the next request on.
            assertThat(new EtcdAccess(root, CALL).removeUser(c.node().commonName())).isTrue();
            assertThatThrownBy(() -> put(node, "/kubermesh/allocations/z", "y")).isInstanceOf(KubermeshException.class);
            // ... and it reads no new routing key.
            assertThatThrownBy(() -> get(node, EtcdAccess.ROUTING_KEYS_PREFIX + "ring")).isInstanceOf(KubermeshException.class);
        }
    }

    @Test
    void aFullBackendRaisesNospaceAndTheLeaderReclaimsIt() throws Exception {
        Cluster c = start(1L << 20);
        try (Client root = EtcdClients.connect(List.of(c.url()), c.root())) {
            String value = "x".repeat(16 * 1024);
            int writes = 0;
            EtcdMaintenance maintenance = new EtcdMaintenance(root, CALL);
            while (!maintenance.outOfSpace()) {
                try {
                    put(root, "/kubermesh/probe/fill", value + writes++);
                } catch (KubermeshException e) {
                    assertThat(e.getMessage()).contains("database space exceeded");
                }
                assertThat(writes).as("writes before NOSPACE").isLessThan(5000);
            }
            assertThatThrownBy(() -> put(root, "/kubermesh/probe/after", "x")).hasMessageContaining("database space exceeded");
            assertThat(maintenance.reclaimIfOutOfSpace(List.of(c.url()))).isTrue();
            assertThat(maintenance.outOfSpace()).isFalse();
            put(root, "/kubermesh/probe/after", "x");
            assertThat(get(root, "/kubermesh/probe/after")).isEqualTo("x");
            assertThat(maintenance.reclaimIfOutOfSpace(List.of(c.url()))).isFalse();
            System.out.println("etcd NOSPACE after " + writes + " writes of 16 KiB to one key with a 1 MiB quota; reclaimed");
        }
    }

    private static void put(Client c, String key, String value) {
        EtcdClients.await(c.getKVClient().put(bytes(key), bytes(value)), CALL, "put " + key);
    }

    private static String get(Client c, String key) {
        return EtcdClients.await(c.getKVClient().get(bytes(key)), CALL, "get " + key).getKvs().stream().findFirst()
                .map(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).orElse(null);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
