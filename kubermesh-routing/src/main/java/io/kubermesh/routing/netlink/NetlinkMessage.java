package io.kubermesh.routing.netlink;

/**
 * One netlink message: the struct nlmsghdr fields (the length is computed when encoding) and a
 * decoded payload. Pure value; {@link NetlinkCodec} turns it into bytes and back.
 *
 * @param type nlmsg_type ({@code RTM_NEWLINK}, {@code NLMSG_ERROR}, …)
 * @param flags nlmsg_flags (16 bits)
 * @param sequence nlmsg_seq
 * @param portId nlmsg_pid
 * @param payload what follows the header
 */
public record NetlinkMessage(int type, int flags, int sequence, int portId, Payload payload) {
    /** Size of struct nlmsghdr. */
    public static final int HEADER = 16;

    public NetlinkMessage {
        if (type < 0 || type > 0xFFFF || flags < 0 || flags > 0xFFFF) {
            throw new IllegalArgumentException("nlmsg_type and nlmsg_flags are 16 bits: " + type + ", " + flags);
        }
        if (payload == null) {
            throw new IllegalArgumentException("a message needs a payload");
        }
    }

    /** What follows struct nlmsghdr, by message type. */
    public sealed interface Payload permits LinkMessage, AddressMessage, RouteMessage, NetlinkError, NetlinkDone,
            OpaquePayload {
    }
}
