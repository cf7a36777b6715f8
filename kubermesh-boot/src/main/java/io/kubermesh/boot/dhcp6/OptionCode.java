package io.kubermesh.boot.dhcp6;

/** DHCPv6 option codes this server decodes into typed options (RFC 8415 section 21, RFC 3646, RFC 5970). */
public final class OptionCode {
    public static final int CLIENTID = 1;
    public static final int SERVERID = 2;
    public static final int IA_NA = 3;
    public static final int IAADDR = 5;
    public static final int ORO = 6;
    public static final int PREFERENCE = 7;
    public static final int ELAPSED_TIME = 8;
    public static final int STATUS_CODE = 13;
    public static final int RAPID_COMMIT = 14;
    public static final int USER_CLASS = 15;
    public static final int VENDOR_CLASS = 16;
    public static final int DNS_SERVERS = 23;
    public static final int BOOTFILE_URL = 59;
    public static final int BOOTFILE_PARAM = 60;
    public static final int CLIENT_ARCH_TYPE = 61;

    private OptionCode() {
    }

    /** True for the codes that decode to a typed option rather than {@link Dhcp6Option.Raw}. */
    public static boolean isTyped(int code) {
        return switch (code) {
            case CLIENTID, SERVERID, IA_NA, IAADDR, ORO, PREFERENCE, ELAPSED_TIME, STATUS_CODE, RAPID_COMMIT,
                    USER_CLASS, VENDOR_CLASS, DNS_SERVERS, BOOTFILE_URL, BOOTFILE_PARAM, CLIENT_ARCH_TYPE -> true;
            default -> false;
        };
    }
}
