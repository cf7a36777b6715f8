package io.kubermesh.routing.netlink.internal;

import static io.kubermesh.routing.netlink.RtnetlinkCodes.AF_NETLINK;
import static io.kubermesh.routing.netlink.RtnetlinkCodes.NETLINK_ROUTE;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A NETLINK_ROUTE socket: opened in the namespace of the calling thread, bound to a kernel-chosen
 * port id and the given multicast groups, with extended acks and capped error echoes. Bytes in,
 * bytes out; the codec lives in the netlink package.
 */
public final class NetlinkSocket implements AutoCloseable {
    /** Big enough for any one rtnetlink datagram (the kernel sizes dump datagrams to 32 KiB). */
    private static final int BUFFER = 1 << 16;
    private final int fd;
    private final byte[] buffer = new byte[BUFFER];
    private volatile boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a socket in the calling thread's network namespace.
     *
     * @param groups the RTNLGRP_* group numbers to receive (none for a request socket)
     */
    public static NetlinkSocket open(int... groups) {
        int fd = LibC.socket(AF_NETLINK, LibC.SOCK_RAW | LibC.SOCK_CLOEXEC, NETLINK_ROUTE);
        try {
            int mask = 0;
            for (int g : groups) {
                mask |= 1 << (g - 1);
            }
            LibC.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_EXT_ACK, int32(1));
            LibC.setsockopt(fd, LibC.SOL_NETLINK, LibC.NETLINK_CAP_ACK, int32(1));
            LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVBUF, int32(1 << 20));
            LibC.bind(fd, address(mask));
            return new NetlinkSocket(fd);
        } catch (RuntimeException e) {
            LibC.close(fd);
            throw e;
        }
    }

    /** struct sockaddr_nl (12 bytes, host order): family, pad, port id 0 (kernel), groups. */
    private static byte[] address(int groups) {
        return ByteBuffer.allocate(12).order(ByteOrder.nativeOrder()).putShort((short) AF_NETLINK).putShort((short) 0)
                .putInt(0).putInt(groups).array();
    }

    private static byte[] int32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    /** A receive that waits longer than {@code millis} returns null from {@link #receive()}. */
    public void receiveTimeout(long millis) {
        // struct timeval: two longs (LP64)
        LibC.setsockopt(fd, LibC.SOL_SOCKET, LibC.SO_RCVTIMEO, ByteBuffer.allocate(16).order(ByteOrder.nativeOrder())
                .putLong(millis / 1000).putLong((millis % 1000) * 1000).array());
    }

    /** Sends one datagram to the kernel. */
    public void send(byte[] datagram) {
        LibC.sendto(fd, datagram, address(0));
    }

    /** The next datagram, or null when the receive timeout expired. */
    public ByteBuffer receive() {
        int n = LibC.recv(fd, buffer);
        return n < 0 ? null : ByteBuffer.wrap(Arrays.copyOf(buffer, n));
    }

    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            LibC.close(fd);
        }
    }
}
