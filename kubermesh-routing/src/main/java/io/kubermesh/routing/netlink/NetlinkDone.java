package io.kubermesh.routing.netlink;

/** NLMSG_DONE: the end of a multi-part dump; {@code status} is 0 or a negative errno. */
public record NetlinkDone(int status) implements NetlinkMessage.Payload {
}
