package io.kubermesh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.spi.AllocationStore;
import io.kubermesh.spi.AllocationStore.Snapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link AllocationStore}: every store (memory, file, etcd, Kubernetes) subclasses
 * this and runs the same suite. Subclasses make a fresh, empty store per test and, for durable
 * stores, say how to reopen one on the same data.
 */
public abstract class AllocationStoreContract {
    private final List<AllocationStore> opened = new ArrayList<>();

    /** A fresh store with no pools; called once per test. */
    protected abstract AllocationStore createStore();

    /**
     * A second handle on the same data as {@code store} (another process, a restart); a store that
     * lives only in this process returns the same store. Must answer: the reopen test never passes
     * by skipping.
     */
    protected abstract AllocationStore reopen(AllocationStore store);

    /** Threads that write concurrently in the contention tests; etcd and Kubernetes may want fewer. */
    protected int writers() {
        return 8;
    }

    protected final AllocationStore store() {
        AllocationStore s = createStore();
        opened.add(s);
        return s;
    }

    @AfterEach
    final void closeStores() {
        for (AllocationStore s : opened) {
            s.close();
        }
        opened.clear();
    }

    @Test
    void aPoolNeverWrittenReadsEmptyAtVersionZero() {
        Snapshot s = store().read("never-written");
        assertThat(s.version()).isZero();
        assertThat(s.entries()).isEmpty();
    }

    @Test
    void theFirstWriteExpectsVersionZeroAndIsReadBack() {
        AllocationStore store = store();
        assertThat(store.compareAndSet("pool", 0, Map.of("node-a", "172.30.2.1/32"))).isTrue();
        Snapshot s = store.read("pool");
        assertThat(s.version()).isPositive();
        assertThat(s.entries()).containsExactly(Map.entry("node-a", "172.30.2.1/32"));
    }

    @Test
    void aStaleVersionIsRefusedAndChangesNothing() {
        AllocationStore store = store();
        assertThat(store.compareAndSet("pool", 0, Map.of("a", "1"))).isTrue();
        long v = store.read("pool").version();
        assertThat(store.compareAndSet("pool", v, Map.of("a", "1", "b", "2"))).isTrue();
        assertThat(store.compareAndSet("pool", v, Map.of("c", "3"))).isFalse();
        assertThat(store.compareAndSet("pool", 0, Map.of("d", "4"))).isFalse();
        assertThat(store.read("pool").entries()).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
    }

    @Test
    void versionsGrowWithEveryWrite() {
        AllocationStore store = store();
        long last = 0;
        for (int i = 0; i < 5; i++) {
            assertThat(store.compareAndSet("pool", last, Map.of("k", Integer.toString(i)))).isTrue();
            long now = store.read("pool").version();
            assertThat(now).isGreaterThan(last);
            last = now;
        }
    }

    @Test
    void poolsAreIndependent() {
        AllocationStore store = store();
        assertThat(store.compareAndSet("nodes", 0, Map.of("a", "1"))).isTrue();
        assertThat(store.compareAndSet("pods", 0, Map.of("a", "2"))).isTrue();
        assertThat(store.read("nodes").entries()).containsExactly(Map.entry("a", "1"));
        assertThat(store.read("pods").entries()).containsExactly(Map.entry("a", "2"));
    }

    @Test
    void anEmptyTableCanBeWrittenAndReadBack() {
        AllocationStore store = store();
        assertThat(store.compareAndSet("pool", 0, Map.of("a", "1"))).isTrue();
        long v = store.read("pool").version();
        assertThat(store.compareAndSet("pool", v, Map.of())).isTrue();
        Snapshot s = store.read("pool");
        assertThat(s.entries()).isEmpty();
        assertThat(s.version()).isGreaterThan(v);
    }

    @Test
    void keysAndValuesSurviveAnyCharacters() {
        AllocationStore store = store();
        Map<String, String> odd = Map.of("with space", "a=b", "new\nline", "\"quoted\"", "ünïcode/slash", "");
        assertThat(store.compareAndSet("pool", 0, odd)).isTrue();
        assertThat(store.read("pool").entries()).isEqualTo(odd);
    }

    @Test
    void ofConcurrentWritersWithTheSameVersionExactlyOneWins() throws Exception {
        AllocationStore store = store();
        int n = writers();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String id = "writer-" + i;
                results.add(pool.submit(() -> {
                    start.await();
                    return store.compareAndSet("race", 0, Map.of(id, id));
                }));
            }
            start.countDown();
            int wins = 0;
            for (Future<Boolean> f : results) {
                wins += f.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(wins).isEqualTo(1);
            assertThat(store.read("race").entries()).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void readModifyWriteLoopsFromManyThreadsLoseNoUpdate() throws Exception {
        AllocationStore store = store();
        int n = writers();
        int each = 10;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        AtomicInteger retries = new AtomicInteger();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < n; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        String key = "t" + thread + "-" + i;
                        while (true) {
                            Snapshot s = store.read("counter");
                            Map<String, String> next = new HashMap<>(s.entries());
                            next.put(key, Integer.toString(next.size()));
                            if (store.compareAndSet("counter", s.version(), next)) {
                                break;
                            }
                            retries.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        Map<String, String> entries = store.read("counter").entries();
        assertThat(entries).hasSize(n * each);
        // Each write saw the table before it, so the sizes it recorded are all different.
        assertThat(entries.values()).doesNotHaveDuplicates();
    }

    @Test
    void aReopenedStoreSeesWhatWasWritten() {
        AllocationStore store = store();
        assertThat(store.compareAndSet("pool", 0, Map.of("a", "1", "b", "2"))).isTrue();
        long v = store.read("pool").version();
        AllocationStore again = reopen(store);
        assertThat(again).as("reopen must give a handle on the same data").isNotNull();
        if (again != store) {
            opened.add(again);
        }
        assertThat(again.read("pool").entries()).containsOnly(Map.entry("a", "1"), Map.entry("b", "2"));
        assertThat(again.compareAndSet("pool", 0, Map.of())).isFalse();
        assertThat(again.compareAndSet("pool", v, Map.of("c", "3"))).isTrue();
        assertThat(store.read("pool").entries()).containsOnly(Map.entry("c", "3"));
    }
}
