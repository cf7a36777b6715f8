package io.kubermesh.routing.anycast;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.routing.netlink.AddressFlag;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.time.Duration;
import java.util.EnumSet;

/**
 * Announces an anycast /128 by adding it to the stub interface (dummy or ifb), where the routing
 * daemon's passive stub interface picks it up, and withdraws it by removing it. Without DAD: the
 * same address is meant to be on several nodes. Without a prefix route (IFA_F_NOPREFIXROUTE, as
 * the host /128 on the same stub): the daemons announce the stub's addresses, not its routes, and
 * the kernel's local route delivers to the address while it is there. The kernel never deletes
 * the prefix route of an address with a finite lifetime when the address is removed (it leaves it
 * to the prefix's own expiry), so with one a withdrawn /128 kept a route into the stub on its
 * former holder for up to the lifetime, which {@code kubermesh routes} showed as a hop towards a
 * holder no agent lists.
 *
 * <p>With a lifetime the address is added with that valid and preferred lifetime (whole seconds,
 * rounded up), and each refresh replaces it (NLM_F_REPLACE) with a full lifetime again. If the
 * refreshes stop, the kernel deletes the address when it expires (RTM_DELADDR), and zebra or
 * BIRD withdraw the route as they do for any address that goes.
 */
public final class StubAnnouncer implements Announcer {
    private static final EnumSet<AddressFlag> FLAGS = EnumSet.of(AddressFlag.NODAD, AddressFlag.NOPREFIXROUTE);
    private final Rtnetlink netlink;
    private final String stub;

    public StubAnnouncer(Rtnetlink netlink, String stubInterface) {
        this.netlink = netlink;
        this.stub = stubInterface;
    }

    @Override
    public void announce(Ipv6Address address) {
        netlink.addAddress(stub, address, 128, AddressLifetime.PERMANENT, FLAGS);
    }

    @Override
    public void announce(Ipv6Address address, Duration lifetime) {
        long seconds = Math.max(1, (lifetime.toMillis() + 999) / 1000);
        netlink.addAddress(stub, address, 128, new AddressLifetime(seconds, seconds), FLAGS);
    }

    @Override
    public void withdraw(Ipv6Address address) {
        netlink.removeAddress(stub, address, 128);
    }
}
