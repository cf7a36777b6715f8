package io.kubermesh.boot.tftp;

/** The error codes of RFC 1350 section 5 and RFC 2347 (8: option negotiation refused). */
public final class TftpErrorCode {
    public static final int NOT_DEFINED = 0;
    public static final int FILE_NOT_FOUND = 1;
    public static final int ACCESS_VIOLATION = 2;
    public static final int DISK_FULL = 3;
    public static final int ILLEGAL_OPERATION = 4;
    public static final int UNKNOWN_TRANSFER_ID = 5;
    public static final int FILE_EXISTS = 6;
    public static final int NO_SUCH_USER = 7;
    public static final int OPTION_REFUSED = 8;

    private TftpErrorCode() {
    }
}
