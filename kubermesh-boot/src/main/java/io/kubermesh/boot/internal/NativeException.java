package io.kubermesh.boot.internal;

import io.kubermesh.api.KubermeshException;

/** A libc call failed: the call, what it was for, errno and its strerror text. */
public final class NativeException extends KubermeshException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    NativeException(String call, int errno, String text) {
        super(call + ": " + text + " (errno " + errno + ")");
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
