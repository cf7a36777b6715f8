package io.kubermesh.api;

/** A packet or message that does not decode: truncated, bad lengths, loops, values out of range. */
public final class MalformedPacketException extends KubermeshException {
    private static final long serialVersionUID = 1L;

    public MalformedPacketException(String message) {
        super(message);
    }
}
