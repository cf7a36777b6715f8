package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.ipam.Ipv4Allocator;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IPv4 allocator on the etcd store: eight clients, each with its own connection, allocate for
 * distinct identities at once; no address or subnet goes to two identities, and after etcd itself
 * restarts on its data every identity gets the same answer again.
 */
class EtcdAllocatorIT {
    private static final int CLIENTS = 8;
    private static final int EACH = 12;

    @TempDir
    Path dir;
    private EtcdMember etcd;

    @AfterEach
    void stop() {
        if (etcd != null) {
            etcd.stop();
        }
    }

    @Test
    void concurrentAllocatorsNeverShareASlotAndAnswersSurviveARestart() throws Exception {
        etcd = LocalEtcd.single(dir, "alloc");
        Ipv4Pools pools = new Ipv4Pools(Ipv4Prefix.parse("172.30.2.0/24"), Ipv4Prefix.parse("172.31.0.0/16"), 24);
        Map<String, Ipv4Prefix> nodes = new ConcurrentHashMap<>();
        Map<String, Ipv4Prefix> pods = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                done.add(pool.submit(() -> {
                    try (EtcdAllocationStore store = EtcdAllocationStore.connect(List.of(etcd.clientUrl()),
                            EtcdAllocationStore.DEFAULT_PREFIX)) {
                        start.await();
                        for (int i = 0; i < EACH; i++) {
                            String id = "node-" + client + "-" + i;
                            nodes.put(id, Ipv4Allocator.nodeAddresses(store, pools).allocate(id));
                            pods.put(id, Ipv4Allocator.podSubnets(store, pools).allocate(id));
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(nodes).hasSize(CLIENTS * EACH);
        assertThat(nodes.values()).doesNotHaveDuplicates();
        assertThat(pods.values()).doesNotHaveDuplicates();
        // First free slots: addresses .1 to .96, subnets 172.31.0.0/24 to 172.31.95.0/24, whoever won each race.
        assertThat(nodes.values()).allMatch(p -> p.length() == 32 && pools.nodePool().contains(p.network()));
        assertThat(pods.values()).allMatch(p -> p.length() == 24 && pools.podPool().contains(p.network()));

        etcd.stop();
        etcd = new EtcdMember(etcd.spec()).startAndAwaitHealthy(LocalEtcd.START);
        try (EtcdAllocationStore store = EtcdAllocationStore.connect(List.of(etcd.clientUrl()),
                EtcdAllocationStore.DEFAULT_PREFIX)) {
            Ipv4Allocator nodeAllocator = Ipv4Allocator.nodeAddresses(store, pools);
            Ipv4Allocator podAllocator = Ipv4Allocator.podSubnets(store, pools);
            Map<String, Ipv4Prefix> again = new HashMap<>();
            for (String id : nodes.keySet()) {
                again.put(id, nodeAllocator.allocate(id));
                assertThat(podAllocator.allocate(id)).isEqualTo(pods.get(id));
            }
            assertThat(again).isEqualTo(nodes);
            assertThat(nodeAllocator.allocations()).isEqualTo(nodes);
        }
    }
}
