package io.kubermesh.boot.internal;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls the boot transports need. Loaded once by {@link Sockets}; never used elsewhere.
 * Public only because jnr-ffi's generated implementation lives in its own class loader and cannot
 * implement a package-private interface (IllegalAccessError at load).
 */
public interface LibC {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    int setsockopt(int fd, int level, int name, @In byte[] value, int length);

    @SaveError
    int bind(int fd, @In byte[] address, int length);

    @SaveError
    @ssize_t
    long sendto(int fd, @In byte[] buffer, @size_t long length, int flags, @In byte[] address, int addressLength);

    @SaveError
    @ssize_t
    long recvfrom(int fd, Pointer buffer, @size_t long length, int flags, @Out byte[] address, @In @Out int[] addressLength);

    @SaveError
    int close(int fd);

    @SaveError
    int if_nametoindex(String name);

    @SaveError
    int ioctl(int fd, long request, @In @Out byte[] argument);

    @SaveError
    int open(String path, int flags);

    @SaveError
    int setns(int fd, int nstype);

    String strerror(int errno);
}
