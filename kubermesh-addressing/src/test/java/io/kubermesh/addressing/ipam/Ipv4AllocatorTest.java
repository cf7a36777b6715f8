package io.kubermesh.addressing.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.api.PoolExhaustedException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Ipv4AllocatorTest {
    @TempDir
    Path dir;

    @Test
    void nodeAddressesStartAfterTheNetworkAddressAndAreStable() {
        Ipv4Allocator nodes = Ipv4Allocator.nodeAddresses(new InMemoryAllocationStore(), Ipv4Pools.DEFAULT);
        assertThat(nodes.allocate("52:54:00:00:00:01")).hasToString("172.30.2.1/32");
        assertThat(nodes.allocate("52:54:00:00:00:02")).hasToString("172.30.2.2/32");
        assertThat(nodes.allocate("52:54:00:00:00:01")).hasToString("172.30.2.1/32");
        assertThat(nodes.capacity()).isEqualTo(254);
    }

    @Test
    void podSubnetsAreSlash24sFromTheStart() {
        Ipv4Allocator pods = Ipv4Allocator.podSubnets(new InMemoryAllocationStore(), Ipv4Pools.DEFAULT);
        assertThat(pods.allocate("a")).hasToString("172.31.0.0/24");
        assertThat(pods.allocate("b")).hasToString("172.31.1.0/24");
        assertThat(pods.capacity()).isEqualTo(256);
    }

    @Test
    void aReleasedSlotIsTheFirstFreeAgain() {
        Ipv4Allocator nodes = Ipv4Allocator.nodeAddresses(new InMemoryAllocationStore(), Ipv4Pools.DEFAULT);
        nodes.allocate("a");
        nodes.allocate("b");
        nodes.allocate("c");
        assertThat(nodes.release("b")).isTrue();
        assertThat(nodes.release("b")).isFalse();
        assertThat(nodes.lookup("b")).isEmpty();
        assertThat(nodes.allocate("d")).hasToString("172.30.2.2/32");
    }

    @Test
    void anExhaustedPoolSaysSoAndNamesThePool() {
        Ipv4Allocator tiny = new Ipv4Allocator(new InMemoryAllocationStore(), "tiny", Ipv4Prefix.parse("10.0.0.0/30"), 32);
        tiny.allocate("a");
        tiny.allocate("b");
        assertThatThrownBy(() -> tiny.allocate("c")).isInstanceOf(PoolExhaustedException.class)
                .hasMessageContaining("tiny").hasMessageContaining("10.0.0.0/30").hasMessageContaining("all 2");
        // Still stable for those that have one.
        assertThat(tiny.allocate("a")).hasToString("10.0.0.1/32");
    }

    @Test
    void concurrentAllocatorsOnTheFileStoreNeverShareASlot() throws Exception {
        int threads = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<String, Ipv4Prefix> got = new ConcurrentHashMap<>();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    // Each thread has its own store instance on the same directory, like separate agents.
                    Ipv4Allocator a = Ipv4Allocator.nodeAddresses(new FileAllocationStore(dir), Ipv4Pools.DEFAULT);
                    for (int i = 0; i < each; i++) {
                        String id = "node-" + thread + "-" + i;
                        got.put(id, a.allocate(id));
                    }
                }));
            }
            for (Future<?> f : fs) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(got).hasSize(threads * each);
        Set<Ipv4Prefix> distinct = new HashSet<>(got.values());
        assertThat(distinct).hasSize(threads * each);
        Ipv4Allocator reread = Ipv4Allocator.nodeAddresses(new FileAllocationStore(dir), Ipv4Pools.DEFAULT);
        assertThat(reread.allocations()).isEqualTo(got);
    }
}
