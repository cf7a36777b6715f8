package io.kubermesh.boot.dhcp6;

/** DHCPv6 status codes (RFC 8415 section 21.13). */
public final class StatusCode {
    public static final int SUCCESS = 0;
    public static final int UNSPEC_FAIL = 1;
    public static final int NO_ADDRS_AVAIL = 2;
    public static final int NO_BINDING = 3;
    public static final int NOT_ON_LINK = 4;
    public static final int USE_MULTICAST = 5;

    private StatusCode() {
    }

    public static String name(int code) {
        return switch (code) {
            case SUCCESS -> "Success";
            case UNSPEC_FAIL -> "UnspecFail";
            case NO_ADDRS_AVAIL -> "NoAddrsAvail";
            case NO_BINDING -> "NoBinding";
            case NOT_ON_LINK -> "NotOnLink";
            case USE_MULTICAST -> "UseMulticast";
            default -> "Status-" + code;
        };
    }
}
