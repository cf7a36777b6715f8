package io.kubermesh.routing.daemon;

import io.kubermesh.api.KubermeshException;

/** A routing daemon could not be started, configured, stopped or read back. */
public final class RoutingDaemonException extends KubermeshException {
    private static final long serialVersionUID = 1L;

    public RoutingDaemonException(String message) {
        super(message);
    }

    public RoutingDaemonException(String message, Throwable cause) {
        super(message, cause);
    }
}
