package io.kubermesh.api;

/** Every allocation of a pool is taken. */
public final class PoolExhaustedException extends AllocationException {
    private static final long serialVersionUID = 1L;

    public PoolExhaustedException(String pool, String range, int size) {
        super("pool " + pool + " (" + range + ") is exhausted: all " + size
                + " allocations are taken; release one or configure a larger pool");
    }
}
