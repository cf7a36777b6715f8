/**
 * The checked jnr-ffi libc facade of the boot transports ({@link io.kubermesh.boot.internal.Sockets}).
 * Never imported from another module.
 */
package io.kubermesh.boot.internal;
