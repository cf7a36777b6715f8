package io.kubermesh.routing.netlink;

/**
 * IFA_CACHEINFO (struct ifa_cacheinfo, four u32): lifetimes in seconds, 0xFFFFFFFF meaning
 * forever, and creation/update stamps in hundredths of a second since boot.
 */
public record AddressCacheInfo(long preferred, long valid, long created, long updated) {
    public static final int SIZE = 16;

    public AddressCacheInfo {
        for (long v : new long[] {preferred, valid, created, updated}) {
            if (v < 0 || v > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("ifa_cacheinfo fields are u32, got " + v);
            }
        }
    }

    /** Lifetimes for a request (the stamps are the kernel's to fill in). */
    public static AddressCacheInfo lifetimes(long preferred, long valid) {
        return new AddressCacheInfo(preferred, valid, 0, 0);
    }
}
