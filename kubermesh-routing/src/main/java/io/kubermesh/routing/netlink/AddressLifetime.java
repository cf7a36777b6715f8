package io.kubermesh.routing.netlink;

/**
 * Preferred and valid lifetimes of an address in seconds ({@link #FOREVER} never expires). A
 * preferred lifetime of 0 keeps the address deprecated: usable, never chosen as a source
 * (ARCHITECTURE.md: port addresses).
 */
public record AddressLifetime(long preferredSeconds, long validSeconds) {
    public static final long FOREVER = RtnetlinkCodes.INFINITY_LIFE_TIME;
    public static final AddressLifetime PERMANENT = new AddressLifetime(FOREVER, FOREVER);
    /** A port address: valid forever, never preferred. */
    public static final AddressLifetime PORT = new AddressLifetime(0, FOREVER);

    public AddressLifetime {
        if (preferredSeconds < 0 || preferredSeconds > FOREVER || validSeconds < 0 || validSeconds > FOREVER) {
            throw new IllegalArgumentException("lifetimes are 0..0xFFFFFFFF seconds");
        }
        if (preferredSeconds > validSeconds) {
            throw new IllegalArgumentException("the preferred lifetime " + preferredSeconds
                    + " exceeds the valid lifetime " + validSeconds);
        }
    }
}
