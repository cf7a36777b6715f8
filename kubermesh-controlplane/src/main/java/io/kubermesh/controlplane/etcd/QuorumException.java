package io.kubermesh.controlplane.etcd;

import io.kubermesh.api.KubermeshException;

/** A membership change was refused because it would leave the etcd cluster without a healthy majority. */
public final class QuorumException extends KubermeshException {
    private static final long serialVersionUID = 1L;

    public QuorumException(String message) {
        super(message);
    }
}
