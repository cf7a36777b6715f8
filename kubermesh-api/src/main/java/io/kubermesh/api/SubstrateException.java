package io.kubermesh.api;

/** A substrate (network namespaces, VMs, real hosts) could not do what it was asked. */
public class SubstrateException extends KubermeshException {
    private static final long serialVersionUID = 1L;

    public SubstrateException(String message) {
        super(message);
    }

    public SubstrateException(String message, Throwable cause) {
        super(message, cause);
    }
}
