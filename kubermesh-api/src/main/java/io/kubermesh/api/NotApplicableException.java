package io.kubermesh.api;

/**
 * An operation that does not apply to a substrate, with the reason: bare metal cannot make or cut
 * a cable (a person plugs it), a substrate without a console log has no console to tail. Unlike a
 * failure, asking again will not help; the CLI answers it as bad input (exit 2).
 */
public final class NotApplicableException extends SubstrateException {
    private static final long serialVersionUID = 1L;
    private final String substrate;
    private final String operation;

    /**
     * @param substrate the provider's name ({@code baremetal})
     * @param operation what was asked ({@code cable})
     * @param reason why it does not apply, and what to do instead when there is something
     */
    public NotApplicableException(String substrate, String operation, String reason) {
        super("the " + substrate + " substrate cannot " + operation + ": " + reason);
        this.substrate = substrate;
        this.operation = operation;
    }

    public String substrate() {
        return substrate;
    }

    public String operation() {
        return operation;
    }
}
