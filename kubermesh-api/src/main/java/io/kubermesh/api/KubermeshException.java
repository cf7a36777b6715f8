package io.kubermesh.api;

/**
 * The one unchecked root of every error kubermesh raises. Callers that want to handle "anything
 * kubermesh said no to" catch this; the subclasses say which part said it.
 */
public class KubermeshException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KubermeshException(String message) {
        super(message);
    }

    public KubermeshException(String message, Throwable cause) {
        super(message, cause);
    }
}
