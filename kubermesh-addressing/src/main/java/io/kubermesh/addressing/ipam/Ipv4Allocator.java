package io.kubermesh.addressing.ipam;

import io.kubermesh.api.AllocationException;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.api.PoolExhaustedException;
import io.kubermesh.spi.AllocationStore;
import io.kubermesh.spi.AllocationStore.Snapshot;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * Stateful IPv4 allocation keyed by node identity, on any {@link AllocationStore}: the first free
 * slot of a pool (an address of the node pool, a /24 of the pod pool), idempotent (the same
 * identity always gets the same answer), releasable. Concurrent allocators, in threads or
 * processes, never hand one slot to two identities: every change is a compare-and-set of the whole
 * table, retried on contention.
 */
public final class Ipv4Allocator {
    /** Attempts before contention is reported as an error. */
    static final int MAX_ATTEMPTS = 10_000;

    private final AllocationStore store;
    private final String pool;
    private final Ipv4Prefix range;
    private final int slotLength;
    private final int firstSlot;
    private final int slots;

    /**
     * @param pool the pool's name in the store
     * @param range the addresses it hands out from
     * @param slotLength the prefix length of one allocation (32 for addresses)
     */
    public Ipv4Allocator(AllocationStore store, String pool, Ipv4Prefix range, int slotLength) {
        if (slotLength < range.length() || slotLength > 32) {
            throw new IllegalArgumentException("a slot of /" + slotLength + " does not fit in " + range);
        }
        this.store = store;
        this.pool = pool;
        this.range = range;
        this.slotLength = slotLength;
        int total = 1 << Math.min(30, slotLength - range.length());
        // Network and broadcast addresses of an address pool are never handed out.
        boolean addresses = slotLength == 32 && range.length() <= 30;
        this.firstSlot = addresses ? 1 : 0;
        this.slots = addresses ? total - 1 : total;
    }

    /** One address per node from the node pool (pool name {@code ipv4-nodes}). */
    public static Ipv4Allocator nodeAddresses(AllocationStore store, Ipv4Pools pools) {
        return new Ipv4Allocator(store, "ipv4-nodes", pools.nodePool(), 32);
    }

    /** One subnet per node from the pod pool (pool name {@code ipv4-pods}). */
    public static Ipv4Allocator podSubnets(AllocationStore store, Ipv4Pools pools) {
        return new Ipv4Allocator(store, "ipv4-pods", pools.podPool(), pools.podPrefixLength());
    }

    public String pool() {
        return pool;
    }

    /** How many allocations the pool holds. */
    public int capacity() {
        return slots - firstSlot;
    }

    /** The identity's allocation: the one it has, or the first free slot, recorded before it is returned. */
    public Ipv4Prefix allocate(String identity) {
        requireIdentity(identity);
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Snapshot s = store.read(pool);
            String existing = s.entries().get(identity);
            if (existing != null) {
                return parse(existing);
            }
            BitSet used = new BitSet(slots);
            for (String v : s.entries().values()) {
                used.set(slot(parse(v)));
            }
            int free = used.nextClearBit(firstSlot);
            if (free >= slots) {
                throw new PoolExhaustedException(pool, range + " in /" + slotLength + "s", capacity());
            }
            Ipv4Prefix chosen = new Ipv4Prefix(range.address((long) free << (32 - slotLength)), slotLength);
            Map<String, String> next = new HashMap<>(s.entries());
            next.put(identity, chosen.toString());
            if (store.compareAndSet(pool, s.version(), next)) {
                return chosen;
            }
            backOff(attempt);
        }
        throw new AllocationException("pool " + pool + ": gave up after " + MAX_ATTEMPTS
                + " attempts, other writers kept changing it");
    }

    /** The identity's allocation, if it has one. */
    public Optional<Ipv4Prefix> lookup(String identity) {
        return Optional.ofNullable(store.read(pool).entries().get(identity)).map(this::parse);
    }

    /** Frees the identity's allocation; returns false if it had none. */
    public boolean release(String identity) {
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            Snapshot s = store.read(pool);
            if (!s.entries().containsKey(identity)) {
                return false;
            }
            Map<String, String> next = new HashMap<>(s.entries());
            next.remove(identity);
            if (store.compareAndSet(pool, s.version(), next)) {
                return true;
            }
            backOff(attempt);
        }
        throw new AllocationException("pool " + pool + ": gave up releasing " + identity + " after " + MAX_ATTEMPTS
                + " attempts");
    }

    /** Every allocation of the pool. */
    public Map<String, Ipv4Prefix> allocations() {
        Map<String, Ipv4Prefix> out = new HashMap<>();
        store.read(pool).entries().forEach((k, v) -> out.put(k, parse(v)));
        return out;
    }

    private int slot(Ipv4Prefix p) {
        if (p.length() != slotLength || !range.contains(p.network())) {
            throw new AllocationException("pool " + pool + " holds " + p + ", which is not a /" + slotLength + " of " + range
                    + ": the store was written with another configuration");
        }
        return (int) ((Integer.toUnsignedLong(p.network().value()) - Integer.toUnsignedLong(range.network().value()))
                >>> (32 - slotLength));
    }

    private Ipv4Prefix parse(String value) {
        try {
            return Ipv4Prefix.parse(pool, value);
        } catch (RuntimeException e) {
            throw new AllocationException("pool " + pool + " holds '" + value + "', which is not an IPv4 prefix", e);
        }
    }

    private static void requireIdentity(String identity) {
        if (identity == null || identity.isBlank()) {
            throw new IllegalArgumentException("an allocation needs an identity");
        }
    }

    private static void backOff(int attempt) {
        if (attempt > 2) {
            LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(1_000, 50_000L * Math.min(attempt, 20)));
        }
    }
}
