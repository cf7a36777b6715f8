package io.kubermesh.routing.netlink;

/** Receives link and address events on the subscription's thread, in the kernel's order. */
@FunctionalInterface
public interface NetlinkListener {
    void onEvent(NetlinkEvent event);
}
