package io.kubermesh.addressing.ipam;

import io.kubermesh.spi.AllocationStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** An {@link AllocationStore} in memory: for tests, single-process tools and the benchmark baseline. */
public final class InMemoryAllocationStore implements AllocationStore {
    private final ConcurrentHashMap<String, Snapshot> pools = new ConcurrentHashMap<>();

    @Override
    public Snapshot read(String pool) {
        return pools.getOrDefault(pool, Snapshot.EMPTY);
    }

    @Override
    public boolean compareAndSet(String pool, long expectedVersion, Map<String, String> entries) {
        Snapshot next = new Snapshot(expectedVersion + 1, entries);
        if (expectedVersion == 0) {
            return pools.putIfAbsent(pool, next) == null;
        }
        Snapshot current = pools.get(pool);
        return current != null && current.version() == expectedVersion && pools.replace(pool, current, next);
    }
}
