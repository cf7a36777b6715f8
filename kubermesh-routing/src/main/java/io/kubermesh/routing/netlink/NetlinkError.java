package io.kubermesh.routing.netlink;

import java.util.Optional;

/**
 * NLMSG_ERROR (struct nlmsgerr): {@code error} 0 is an acknowledgement, otherwise a negative
 * errno; the header of the request it answers; the kernel's extended-ack text when it sent one.
 * The codec writes the capped form (the request's payload is not echoed).
 */
public record NetlinkError(int error, int requestLength, int requestType, int requestFlags, int requestSequence,
                           int requestPortId, Optional<String> message) implements NetlinkMessage.Payload {
    public NetlinkError {
        message = message == null ? Optional.empty() : message;
        if (requestType < 0 || requestType > 0xFFFF || requestFlags < 0 || requestFlags > 0xFFFF) {
            throw new IllegalArgumentException("request type and flags are 16 bits");
        }
        if (message.isPresent() && message.get().indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an extended-ack message is a C string without NUL");
        }
    }

    public boolean isAck() {
        return error == 0;
    }
}
