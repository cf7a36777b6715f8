package io.kubermesh.routing.anycast;

import io.kubermesh.api.Ipv6Address;
import java.time.Duration;

/** Puts an anycast /128 where the routing daemon announces it, and takes it away. Both idempotent. */
public interface Announcer {
    void announce(Ipv6Address address);

    void withdraw(Ipv6Address address);

    /**
     * Announces {@code address} for at most {@code lifetime}: the engine calls this again after
     * every passing check, so the announcement lapses by itself when checks stop (the agent was
     * killed) instead of outliving the check that justified it. By default an announcement does
     * not lapse.
     */
    default void announce(Ipv6Address address, Duration lifetime) {
        announce(address);
    }
}
