package io.kubermesh.routing.netlink.internal;

import jnr.ffi.annotations.SaveError;

/**
 * The libc calls that create and remove named network namespaces; loaded once by
 * {@link NamespaceMounts}. Public only because jnr-ffi's generated implementation lives in its own
 * class loader.
 */
@SaveError
public interface MountLibrary {
    int unshare(int flags);

    int mount(String source, String target, String fstype, long flags, String data);

    int umount2(String target, int flags);

    String strerror(int errno);
}
