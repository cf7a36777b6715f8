package io.kubermesh.routing.netlink.internal;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;

/**
 * The few libc calls netlink and namespaces need; loaded once by {@link LibC}, never used
 * elsewhere. Public only because jnr-ffi's generated implementation lives in its own class loader
 * and cannot implement a package-private interface (IllegalAccessError at load).
 */
@SaveError
public interface LibCLibrary {
    int socket(int domain, int type, int protocol);

    int bind(int fd, @In byte[] address, int length);

    int setsockopt(int fd, int level, int name, @In byte[] value, int length);

    long sendto(int fd, @In byte[] buf, long length, int flags, @In byte[] address, int addressLength);

    long recv(int fd, @Out byte[] buf, long length, int flags);

    int open(String path, int flags);

    int close(int fd);

    int setns(int fd, int nstype);

    String strerror(int errno);
}
