package io.kubermesh.provider.baremetal.internal;

import jnr.ffi.annotations.In;
import jnr.ffi.annotations.SaveError;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The libc calls the Wake-on-LAN sender needs. Loaded once by {@link PacketSocket}. Public only
 * because jnr-ffi's generated implementation lives in its own class loader and cannot implement a
 * package-private interface.
 */
public interface LibC {
    @SaveError
    int socket(int domain, int type, int protocol);

    @SaveError
    @ssize_t
    long sendto(int fd, @In byte[] buffer, @size_t long length, int flags, @In byte[] address, int addressLength);

    @SaveError
    int close(int fd);

    @SaveError
    int if_nametoindex(String name);

    @SaveError
    int open(String path, int flags);

    @SaveError
    int setns(int fd, int nstype);

    String strerror(int errno);
}
