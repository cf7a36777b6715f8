package io.kubermesh.routing.netlink;

import io.kubermesh.api.KubermeshException;

/**
 * The kernel refused a netlink request or a system call failed: carries the positive errno and
 * says what was being done, with the kernel's strerror text and its extended-ack message when sent.
 */
public final class NetlinkException extends KubermeshException {
    private static final long serialVersionUID = 1L;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EAGAIN = 11;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINTR = 4;
    public static final int ENOBUFS = 105;
    public static final int EOPNOTSUPP = 95;
    public static final int EADDRNOTAVAIL = 99;

    private final int errno;

    public NetlinkException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The positive errno (EEXIST is 17). */
    public int errno() {
        return errno;
    }
}
