package io.kubermesh.api;

/** A stateful allocation (IPv4 address, pod subnet) failed: store unreadable, contention, exhaustion. */
public class AllocationException extends KubermeshException {
    private static final long serialVersionUID = 1L;

    public AllocationException(String message) {
        super(message);
    }

    public AllocationException(String message, Throwable cause) {
        super(message, cause);
    }
}
