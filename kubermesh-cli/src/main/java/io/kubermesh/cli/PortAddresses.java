package io.kubermesh.cli;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.routing.netlink.AddressFlag;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.InterfaceAddress;
import io.kubermesh.routing.netlink.Link;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.io.PrintWriter;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The port addresses {@code kubermesh boot serve} needs, through rtnetlink: each served interface
 * gets its port's this-end /126 (preferred lifetime 0, so it is never chosen as a source; no DAD,
 * since the plan makes it unique) unless it has it, and is set up if it is down. {@link #close}
 * undoes exactly that and nothing else.
 *
 * <p>Interfaces and their addresses are read from netlink, never from
 * {@link java.net.NetworkInterface}: the JDK builds that list from {@code SIOCGIFCONF} (IPv4) and
 * {@code /proc/net/if_inet6} (IPv6), so an interface that has no address yet (a veth whose peer is
 * down has no carrier and therefore no link-local) does not exist for it at all.
 */
final class PortAddresses implements AutoCloseable {
    private record Added(String link, Ipv6Address address, int prefixLength) {
    }

    private final Rtnetlink netlink;
    private final PrintWriter log;
    private final List<Added> added = new ArrayList<>();
    private final List<String> broughtUp = new ArrayList<>();

    PortAddresses(Rtnetlink netlink, PrintWriter log) {
        this.netlink = netlink;
        this.log = log;
    }

    /** The link names of this namespace. */
    Set<String> links() {
        return netlink.links().stream().map(Link::name).collect(Collectors.toSet());
    }

    /** Sets {@code link} up and gives it {@code port}'s this-end address, each only if it lacks it. */
    synchronized void ensure(String link, PortPrefix port) {
        Link l = netlink.link(link).orElseThrow(() -> new KubermeshException("interface " + link + " went away"));
        if (!l.up()) {
            netlink.setUp(link, true);
            broughtUp.add(link);
            log.println("kubermesh boot serve: set " + link + " up");
        }
        boolean has = netlink.addresses(link).stream()
                .anyMatch(a -> a.address().equals(port.thisEnd()) && a.prefixLength() == port.prefix().length());
        if (has) {
            log.println("kubermesh boot serve: " + link + " has " + port.thisEnd() + "/" + port.prefix().length()
                    + " already; it stays when serving stops");
            return;
        }
        netlink.addAddress(link, port.thisEnd(), port.prefix().length(), AddressLifetime.PORT,
                EnumSet.of(AddressFlag.NODAD));
        added.add(new Added(link, port.thisEnd(), port.prefix().length()));
        log.println("kubermesh boot serve: added " + port.thisEnd() + "/" + port.prefix().length() + " to " + link
                + " (preferred lifetime 0)");
    }

    /**
     * The usable (not tentative) link-local address of {@code link}, waiting up to {@code patience}
     * for duplicate address detection to finish; empty when there is none by then (no carrier).
     */
    Optional<InterfaceAddress> linkLocal(String link, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (true) {
            Optional<InterfaceAddress> ll = netlink.addresses(link).stream()
                    .filter(a -> a.address().isLinkLocal() && !a.tentative()).findFirst();
            if (ll.isPresent() || System.nanoTime() - deadline > 0) {
                return ll;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    /** Where TFTP listens on a port: its this end and, when there is one, the interface's link-local. */
    static List<InetSocketAddress> tftpBinds(PortPrefix port, Optional<InterfaceAddress> linkLocal, int tftpPort) {
        List<InetSocketAddress> out = new ArrayList<>();
        out.add(socketAddress(port.thisEnd(), 0, tftpPort));
        linkLocal.ifPresent(ll -> out.add(socketAddress(ll.address(), ll.interfaceIndex(), tftpPort)));
        return out;
    }

    /** A socket address; the scope as a number, so no NetworkInterface lookup (see the class comment). */
    static InetSocketAddress socketAddress(Ipv6Address address, int scope, int port) {
        try {
            return new InetSocketAddress(Inet6Address.getByAddress(null, address.toBytes(), scope), port);
        } catch (UnknownHostException e) {
            throw new KubermeshException("not an IPv6 address: " + address + " (" + e.getMessage() + ")");
        }
    }

    /** Removes the addresses this added and sets down the links this set up; never throws. */
    @Override
    public synchronized void close() {
        for (Added a : added) {
            try {
                boolean removed = netlink.removeAddress(a.link(), a.address(), a.prefixLength());
                log.println("kubermesh boot serve: " + (removed ? "removed " : "already gone: ") + a.address()
                        + "/" + a.prefixLength() + " from " + a.link());
            } catch (KubermeshException e) {
                log.println("kubermesh boot serve: could not remove " + a.address() + " from " + a.link() + ": "
                        + e.getMessage());
            }
        }
        added.clear();
        for (String link : broughtUp) {
            try {
                netlink.setUp(link, false);
                log.println("kubermesh boot serve: set " + link + " down again");
            } catch (KubermeshException e) {
                log.println("kubermesh boot serve: could not set " + link + " down: " + e.getMessage());
            }
        }
        broughtUp.clear();
        log.flush();
    }
}
