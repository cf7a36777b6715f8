package io.kubermesh.routing.netlink.internal;

import io.kubermesh.routing.netlink.NetlinkException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Checked libc facade: every call's return value is tested and a failure becomes a
 * {@link NetlinkException} with the errno and its strerror text. Public only for this module's
 * netlink package; never imported from another module.
 */
public final class LibC {
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int O_RDONLY = 0;
    public static final int O_CLOEXEC = 0x80000;
    public static final int CLONE_NEWNET = 0x40000000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_RCVTIMEO = 20;
    public static final int SOL_NETLINK = 270;
    public static final int NETLINK_CAP_ACK = 10;
    public static final int NETLINK_EXT_ACK = 11;

    private static final LibCLibrary LIBC = LibraryLoader.create(LibCLibrary.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private LibC() {
    }

    private static NetlinkException failure(String what) {
        int errno = RUNTIME.getLastError();
        return new NetlinkException(what + ": " + LIBC.strerror(errno) + " (errno " + errno + ")", errno);
    }

    public static String strerror(int errno) {
        return LIBC.strerror(errno);
    }

    public static int socket(int domain, int type, int protocol) {
        int fd = LIBC.socket(domain, type, protocol);
        if (fd < 0) {
            throw failure("socket(" + domain + ", " + type + ", " + protocol + ")");
        }
        return fd;
    }

    public static void bind(int fd, byte[] address) {
        if (LIBC.bind(fd, address, address.length) != 0) {
            throw failure("bind");
        }
    }

    public static void setsockopt(int fd, int level, int name, byte[] value) {
        if (LIBC.setsockopt(fd, level, name, value, value.length) != 0) {
            throw failure("setsockopt(" + level + ", " + name + ")");
        }
    }

    public static void sendto(int fd, byte[] buf, byte[] address) {
        long n = LIBC.sendto(fd, buf, buf.length, 0, address, address.length);
        if (n < 0) {
            throw failure("sendto");
        }
        if (n != buf.length) {
            throw new NetlinkException("sendto sent " + n + " of " + buf.length + " bytes", 0);
        }
    }

    /** Bytes received, or -1 when a receive timeout expired (EAGAIN) or a signal interrupted (EINTR). */
    public static int recv(int fd, byte[] buf) {
        long n = LIBC.recv(fd, buf, buf.length, 0);
        if (n < 0) {
            int errno = RUNTIME.getLastError();
            if (errno == NetlinkException.EAGAIN || errno == NetlinkException.EINTR) {
                return -1;
            }
            throw new NetlinkException("recv: " + LIBC.strerror(errno) + " (errno " + errno + ")", errno);
        }
        return (int) n;
    }

    public static int open(String path, int flags) {
        int fd = LIBC.open(path, flags);
        if (fd < 0) {
            throw failure("open " + path);
        }
        return fd;
    }

    public static void close(int fd) {
        if (LIBC.close(fd) != 0) {
            throw failure("close(" + fd + ")");
        }
    }

    /** Moves the calling thread (only it) into the namespace {@code fd} refers to. */
    public static void setns(int fd, int nstype) {
        if (LIBC.setns(fd, nstype) != 0) {
            throw failure("setns");
        }
    }
}
