package io.kubermesh.routing.netlink;

/** Flags a caller may set on an address it adds. */
public enum AddressFlag {
    /** Skip duplicate address detection (IFA_F_NODAD): usable at once; for addresses the plan makes unique. */
    NODAD(RtnetlinkCodes.IFA_F_NODAD),
    /** Install no prefix route for the address (IFA_F_NOPREFIXROUTE): for /128s on the stub interface. */
    NOPREFIXROUTE(RtnetlinkCodes.IFA_F_NOPREFIXROUTE);

    private final int bit;

    AddressFlag(int bit) {
        this.bit = bit;
    }

    public int bit() {
        return bit;
    }
}
