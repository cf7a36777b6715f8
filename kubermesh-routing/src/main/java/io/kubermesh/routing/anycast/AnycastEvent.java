package io.kubermesh.routing.anycast;

import io.kubermesh.api.Ipv6Address;
import java.time.Instant;

/**
 * A change in one anycast service's health or announcement.
 *
 * @param consecutive how many checks in a row gave the result that caused this event
 * @param detail the error for {@link Kind#ANNOUNCE_FAILED} and {@link Kind#WITHDRAW_FAILED}, else empty
 */
public record AnycastEvent(String service, Ipv6Address address, Kind kind, Instant at, int consecutive, String detail) {
    /** What changed. */
    public enum Kind {
        /** A check passed after failing (or for the first time). */
        PASSING,
        /** A check failed after passing (or for the first time). */
        FAILING,
        /** {@code rise} checks passed in a row: the /128 is on the stub interface. */
        ANNOUNCED,
        /** {@code fall} checks failed in a row: the /128 is gone. */
        WITHDRAWN,
        /** The engine stopped and withdrew the /128. */
        STOPPED,
        /** Adding the /128 failed; it is tried again at the next passing check. */
        ANNOUNCE_FAILED,
        /** Removing the /128 failed; it is tried again at the next failing check. */
        WITHDRAW_FAILED
    }
}
