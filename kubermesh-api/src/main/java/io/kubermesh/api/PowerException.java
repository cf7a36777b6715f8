package io.kubermesh.api;

/**
 * A power operation through a machine's BMC (or Wake-on-LAN) did not do what it was asked. The
 * {@link Reason} says what kind of failure it was, so a caller tells a wrong password from a BMC
 * that does not answer; the message names the machine, the BMC and the operation, never a secret.
 */
public final class PowerException extends SubstrateException {
    private static final long serialVersionUID = 1L;

    /** What went wrong. */
    public enum Reason {
        /** The BMC did not answer, or the state did not hold, within the bounded time. */
        TIMEOUT,
        /** The BMC refused the credentials or the privilege asked for. */
        AUTHENTICATION,
        /** The driver or BMC cannot do this at all (Wake-on-LAN cannot power off). */
        UNSUPPORTED,
        /** The BMC answered with an error. */
        REFUSED,
        /** The BMC answered something that does not follow the protocol, or its TLS identity is wrong. */
        PROTOCOL,
        /** The BMC could not be reached (no route, connection refused, no such interface). */
        UNREACHABLE
    }

    private final Reason reason;

    public PowerException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PowerException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
