package io.kubermesh.spi;

import java.util.Map;

/**
 * Compare-and-set storage for stateful allocations (IPv4 node addresses, pod subnets). Each pool
 * is one table of identity to value with a version; a writer reads a snapshot, computes the new
 * table, and writes it only if nobody wrote in between. Implementations: in memory and a crash-safe
 * file (kubermesh-addressing), etcd and Kubernetes (kubermesh-controlplane). Every implementation
 * passes the contract suite in kubermesh-testkit.
 *
 * <p>Implementations are safe for concurrent use by many threads.
 */
public interface AllocationStore extends AutoCloseable {
    /**
     * A pool's table as read.
     *
     * @param version 0 for a pool never written; otherwise an opaque number that grows with every write
     * @param entries identity to allocated value
     */
    record Snapshot(long version, Map<String, String> entries) {
        public static final Snapshot EMPTY = new Snapshot(0, Map.of());

        public Snapshot {
            if (version < 0) {
                throw new IllegalArgumentException("a version is never negative, got " + version);
            }
            entries = Map.copyOf(entries);
        }
    }

    /** The current table of {@code pool}; {@link Snapshot#EMPTY} for a pool never written. */
    Snapshot read(String pool);

    /**
     * Replaces the table of {@code pool} with {@code entries} if its version is still
     * {@code expectedVersion}. Returns false, changing nothing, if another write came first.
     *
     * @throws io.kubermesh.api.AllocationException when the store cannot be read or written
     */
    boolean compareAndSet(String pool, long expectedVersion, Map<String, String> entries);

    @Override
    default void close() {
    }
}
