package io.kubermesh.routing.netlink.internal;

import io.kubermesh.routing.netlink.NetlinkException;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

/**
 * Checked facade over {@link MountLibrary}: every call that fails throws a
 * {@link NetlinkException} with errno and strerror.
 */
public final class NamespaceMounts {
    public static final long MS_BIND = 4096;
    public static final long MS_REC = 16384;
    public static final long MS_SHARED = 1 << 20;
    public static final int MNT_DETACH = 2;
    public static final int EINVAL = 22;
    public static final int ENOENT = 2;

    private static final MountLibrary LIBC = LibraryLoader.create(MountLibrary.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);

    private NamespaceMounts() {
    }

    private static NetlinkException failure(String what) {
        int errno = RUNTIME.getLastError();
        return new NetlinkException(what + ": " + LIBC.strerror(errno) + " (errno " + errno + ")", errno);
    }

    public static void unshare(int flags) {
        if (LIBC.unshare(flags) != 0) {
            throw failure("unshare(0x" + Integer.toHexString(flags) + ")");
        }
    }

    public static void mount(String source, String target, String fstype, long flags) {
        if (LIBC.mount(source, target, fstype, flags, null) != 0) {
            throw failure("mount " + source + " on " + target);
        }
    }

    /** Returns false when the target was not mounted (EINVAL) or is gone (ENOENT). */
    public static boolean umount(String target, int flags) {
        if (LIBC.umount2(target, flags) != 0) {
            int errno = RUNTIME.getLastError();
            if (errno == EINVAL || errno == ENOENT) {
                return false;
            }
            throw new NetlinkException("umount " + target + ": " + LIBC.strerror(errno) + " (errno " + errno + ")", errno);
        }
        return true;
    }
}
