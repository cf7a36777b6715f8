package io.kubermesh.routing.anycast;

import io.kubermesh.api.Ipv6Address;

/** Puts an anycast /128 where the routing daemon announces it, and takes it away. Both idempotent. */
public interface Announcer {
    void announce(Ipv6Address address);

    void withdraw(Ipv6Address address);
}
