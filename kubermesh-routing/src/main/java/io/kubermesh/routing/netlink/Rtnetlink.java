package io.kubermesh.routing.netlink;

import static io.kubermesh.routing.netlink.RtnetlinkCodes.*;

import io.kubermesh.api.Ipv4Address;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.netlink.internal.LibC;
import io.kubermesh.routing.netlink.internal.NamespaceThread;
import io.kubermesh.routing.netlink.internal.NetlinkSocket;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Links, IPv6 addresses, routes, link/address events and forwarding sysctls of one network
 * namespace, through a NETLINK_ROUTE socket (no {@code ip} command). Thread-safe: requests are
 * serialised on one socket; each {@link #subscribe} has its own socket and thread.
 *
 * <p>Namespaces: {@link #open()} works in the namespace of the process. {@link #open(String)}
 * works in the named namespace ({@code /run/netns/NAME}) without moving the JVM: a dedicated
 * thread calls setns(2) and opens the sockets there (a netlink socket keeps the namespace it was
 * created in), and /proc/sys files are opened on that thread too.
 */
public final class Rtnetlink implements AutoCloseable {
    private static final int CREATE = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
    private static final int REQUEST_TIMEOUT_MS = 5000;
    private static volatile String stubKind;

    private final NamespaceThread namespace;
    private final NetlinkSocket socket;
    private int sequence;

    private Rtnetlink(NamespaceThread namespace) {
        this.namespace = namespace;
        this.socket = inNamespace(NetlinkSocket::open);
        socket.receiveTimeout(REQUEST_TIMEOUT_MS);
    }

    /** Netlink in this process's own network namespace. */
    public static Rtnetlink open() {
        return new Rtnetlink(null);
    }

    /** Netlink in the named namespace (as {@code ip netns add NAME} made it). */
    public static Rtnetlink open(String netns) {
        NamespaceThread ns = NamespaceThread.enter(netns);
        try {
            return new Rtnetlink(ns);
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** The namespace name, empty for the process's own. */
    public Optional<String> namespace() {
        return Optional.ofNullable(namespace).map(NamespaceThread::name);
    }

    private <T> T inNamespace(Supplier<T> task) {
        return namespace == null ? task.get() : namespace.call(task);
    }

    // ---- links -------------------------------------------------------------------------------

    public List<Link> links() {
        List<Link> out = new ArrayList<>();
        for (NetlinkMessage.Payload p : dump(RTM_GETLINK, LinkMessage.ofIndex(0))) {
            if (p instanceof LinkMessage l) {
                out.add(Link.of(l));
            }
        }
        return out;
    }

    public Optional<Link> link(String name) {
        try {
            List<NetlinkMessage.Payload> r = transact(RTM_GETLINK, NLM_F_REQUEST | NLM_F_ACK,
                    LinkMessage.ofIndex(0).withName(name), "find link " + name);
            return r.stream().filter(LinkMessage.class::isInstance).map(p -> Link.of((LinkMessage) p)).findFirst();
        } catch (NetlinkException e) {
            if (e.errno() == NetlinkException.ENODEV) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private int index(String name) {
        return link(name).orElseThrow(() -> new NetlinkException("no link " + name + namespaceSuffix(),
                NetlinkException.ENODEV)).index();
    }

    /** Creates a veth pair, both ends here. */
    public void createVeth(String name, String peer) {
        createVeth(name, peer, Optional.empty());
    }

    /** Creates a veth pair whose {@code peer} end is created directly in namespace {@code peerNamespace}. */
    public void createVeth(String name, String peer, Optional<String> peerNamespace) {
        checkName(name);
        checkName(peer);
        withNamespaceFd(peerNamespace, fd -> {
            LinkMessage p = LinkMessage.ofIndex(0).withName(peer);
            if (fd.isPresent()) {
                p = p.withNetnsFd(fd.getAsInt());
            }
            LinkMessage m = LinkMessage.ofIndex(0).withName(name)
                    .withInfo(new LinkInfo("veth", Optional.of(p), List.of()));
            transact(RTM_NEWLINK, CREATE, m, "create veth " + name + "/" + peer);
        });
    }

    /**
     * Creates a veth pair with the given MACs, {@code name} here and {@code peer} directly in
     * {@code peerNamespace}: one cable of the netns substrate, each end a machine's NIC.
     */
    public void createVeth(String name, MacAddress mac, String peer, MacAddress peerMac, Optional<String> peerNamespace) {
        checkName(name);
        checkName(peer);
        withNamespaceFd(peerNamespace, fd -> {
            LinkMessage p = LinkMessage.ofIndex(0).withName(peer).withAddress(peerMac);
            if (fd.isPresent()) {
                p = p.withNetnsFd(fd.getAsInt());
            }
            LinkMessage m = LinkMessage.ofIndex(0).withName(name).withAddress(mac)
                    .withInfo(new LinkInfo("veth", Optional.of(p), List.of()));
            transact(RTM_NEWLINK, CREATE, m, "create veth " + name + "/" + peer);
        });
    }

    /**
     * Creates the stub interface that holds the host /128 and anycast /128s: a {@code dummy} link
     * where the kernel has them, else an {@code ifb} (a kernel without CONFIG_DUMMY answers
     * EOPNOTSUPP). The answer is remembered: the kernel is the same in every namespace.
     *
     * @return the kind created, {@code dummy} or {@code ifb}
     */
    public String createStub(String name) {
        checkName(name);
        String known = stubKind;
        if (known != null) {
            createLink(name, known);
            return known;
        }
        try {
            createLink(name, "dummy");
            stubKind = "dummy";
        } catch (NetlinkException e) {
            if (e.errno() != NetlinkException.EOPNOTSUPP) {
                throw e;
            }
            createLink(name, "ifb");
            stubKind = "ifb";
        }
        return stubKind;
    }

    /** Creates a link of a kind that needs no data ({@code dummy}, {@code ifb}). */
    public void createLink(String name, String kind) {
        checkName(name);
        transact(RTM_NEWLINK, CREATE, LinkMessage.ofIndex(0).withName(name).withInfo(LinkInfo.of(kind)),
                "create " + kind + " link " + name);
    }

    /** Deletes a link; a veth takes its peer with it. */
    public void deleteLink(String name) {
        transact(RTM_DELLINK, NLM_F_REQUEST | NLM_F_ACK, LinkMessage.ofIndex(0).withName(name), "delete link " + name);
    }

    public void setUp(String name, boolean up) {
        LinkMessage m = LinkMessage.ofIndex(index(name)).withFlags(up ? IFF_UP : 0, IFF_UP);
        transact(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, m, "set " + name + (up ? " up" : " down"));
    }

    /** Moves a link of this namespace into the named namespace. */
    public void moveToNamespace(String name, String netns) {
        int index = index(name);
        withNamespaceFd(Optional.of(netns), fd -> transact(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK,
                LinkMessage.ofIndex(index).withNetnsFd(fd.getAsInt()), "move " + name + " to namespace " + netns));
    }

    private interface FdAction {
        void run(OptionalInt fd);
    }

    private static void withNamespaceFd(Optional<String> netns, FdAction action) {
        if (netns.isEmpty()) {
            action.run(OptionalInt.empty());
            return;
        }
        if (!netns.get().matches("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}")) {
            throw new IllegalArgumentException("a network namespace name as ip netns uses, got " + netns.get());
        }
        int fd = LibC.open("/run/netns/" + netns.get(), LibC.O_RDONLY | LibC.O_CLOEXEC);
        try {
            action.run(OptionalInt.of(fd));
        } finally {
            LibC.close(fd);
        }
    }

    private static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > 15 || name.contains("/") || name.chars().anyMatch(
                Character::isWhitespace)) {
            throw new IllegalArgumentException("an interface name has 1..15 characters, no '/' or blank: " + name);
        }
    }

    // ---- addresses ---------------------------------------------------------------------------

    /**
     * Adds an IPv6 address, or updates its lifetimes and flags when it is there already
     * (NLM_F_REPLACE), so announcing twice is harmless.
     */
    public void addAddress(String link, Ipv6Address address, int prefixLength, AddressLifetime lifetime,
                           Set<AddressFlag> flags) {
        int bits = flags.stream().mapToInt(AddressFlag::bit).reduce(0, (a, b) -> a | b);
        AddressMessage m = new AddressMessage(AF_INET6, prefixLength, bits & 0xFF, RT_SCOPE_UNIVERSE, index(link),
                Optional.of(address), Optional.of(address), OptionalInt.of(bits),
                Optional.of(AddressCacheInfo.lifetimes(lifetime.preferredSeconds(), lifetime.validSeconds())), List.of());
        transact(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, m,
                "add " + address + "/" + prefixLength + " to " + link);
    }

    /** Removes an address; false when it was not there. */
    public boolean removeAddress(String link, Ipv6Address address, int prefixLength) {
        AddressMessage m = new AddressMessage(AF_INET6, prefixLength, 0, RT_SCOPE_UNIVERSE, index(link),
                Optional.of(address), Optional.of(address), OptionalInt.empty(), Optional.empty(), List.of());
        try {
            transact(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, m, "remove " + address + "/" + prefixLength + " from " + link);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == NetlinkException.EADDRNOTAVAIL) {
                return false;
            }
            throw e;
        }
    }

    /**
     * Adds an IPv4 address (the node's IPv4 address on its stub), or replaces it when it is there.
     * IPv4 attributes stay raw (4-byte IFA_LOCAL and IFA_ADDRESS): only this call and
     * {@link #ipv4Addresses(String)} use them.
     */
    public void addIpv4Address(String link, Ipv4Address address, int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("an IPv4 prefix length is 0..32, got " + prefixLength);
        }
        List<Attribute> attrs = List.of(new Attribute(IFA_LOCAL, address.toBytes()), new Attribute(IFA_ADDRESS, address.toBytes()));
        AddressMessage m = new AddressMessage(AF_INET, prefixLength, 0, RT_SCOPE_UNIVERSE, index(link), Optional.empty(),
                Optional.empty(), OptionalInt.empty(), Optional.empty(), attrs);
        transact(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE, m,
                "add " + address + "/" + prefixLength + " to " + link);
    }

    /** Removes an IPv4 address; false when it was not there. */
    public boolean removeIpv4Address(String link, Ipv4Address address, int prefixLength) {
        List<Attribute> attrs = List.of(new Attribute(IFA_LOCAL, address.toBytes()), new Attribute(IFA_ADDRESS, address.toBytes()));
        AddressMessage m = new AddressMessage(AF_INET, prefixLength, 0, RT_SCOPE_UNIVERSE, index(link), Optional.empty(),
                Optional.empty(), OptionalInt.empty(), Optional.empty(), attrs);
        try {
            transact(RTM_DELADDR, NLM_F_REQUEST | NLM_F_ACK, m, "remove " + address + "/" + prefixLength + " from " + link);
            return true;
        } catch (NetlinkException e) {
            if (e.errno() == NetlinkException.EADDRNOTAVAIL) {
                return false;
            }
            throw e;
        }
    }

    /** The IPv4 addresses of a link. */
    public List<Ipv4Address> ipv4Addresses(String link) {
        int want = index(link);
        List<Ipv4Address> out = new ArrayList<>();
        for (NetlinkMessage.Payload p : dump(RTM_GETADDR, new AddressMessage(AF_INET, 0, 0, 0, 0, Optional.empty(),
                Optional.empty(), OptionalInt.empty(), Optional.empty(), List.of()))) {
            if (p instanceof AddressMessage a && a.family() == AF_INET && a.index() == want) {
                a.other().stream().filter(x -> x.number() == IFA_LOCAL && x.value().length == 4).findFirst()
                        .map(x -> java.nio.ByteBuffer.wrap(x.value()).getInt())
                        .ifPresent(v -> out.add(new Ipv4Address(v)));
            }
        }
        return out;
    }

    /** Every IPv6 address of every link. */
    public List<InterfaceAddress> addresses() {
        Map<Integer, String> names = linkNames();
        List<InterfaceAddress> out = new ArrayList<>();
        for (NetlinkMessage.Payload p : dump(RTM_GETADDR, new AddressMessage(AF_INET6, 0, 0, 0, 0, Optional.empty(),
                Optional.empty(), OptionalInt.empty(), Optional.empty(), List.of()))) {
            if (p instanceof AddressMessage a && a.family() == AF_INET6) {
                toInterfaceAddress(a, names).ifPresent(out::add);
            }
        }
        return out;
    }

    public List<InterfaceAddress> addresses(String link) {
        return addresses().stream().filter(a -> a.interfaceName().equals(link)).toList();
    }

    static Optional<InterfaceAddress> toInterfaceAddress(AddressMessage a, Map<Integer, String> names) {
        Optional<Ipv6Address> x = a.local().or(a::address);
        if (x.isEmpty()) {
            return Optional.empty();
        }
        AddressLifetime life = a.cacheInfo().map(c -> new AddressLifetime(Math.min(c.preferred(), c.valid()), c.valid()))
                .orElse(AddressLifetime.PERMANENT);
        return Optional.of(new InterfaceAddress(a.index(), names.getOrDefault(a.index(), "if" + a.index()), x.get(),
                a.prefixLength(), a.scope(), a.effectiveFlags(), life));
    }

    private Map<Integer, String> linkNames() {
        Map<Integer, String> names = new HashMap<>();
        links().forEach(l -> names.put(l.index(), l.name()));
        return names;
    }

    // ---- routes ------------------------------------------------------------------------------

    /** The IPv6 unicast routes of the main table, each with all its next hops (multipath included). */
    public List<Route> routes() {
        Map<Integer, String> names = linkNames();
        List<Route> out = new ArrayList<>();
        for (NetlinkMessage.Payload p : dump(RTM_GETROUTE, RouteMessage.dumpRequest(AF_INET6))) {
            if (p instanceof RouteMessage r && r.family() == AF_INET6 && r.effectiveTable() == RT_TABLE_MAIN
                    && r.routeType() == RTN_UNICAST) {
                out.add(toRoute(r, names));
            }
        }
        return out;
    }

    static Route toRoute(RouteMessage r, Map<Integer, String> names) {
        Ipv6Prefix destination = new Ipv6Prefix(r.destination().orElse(Ipv6Address.ZERO), r.destinationLength());
        List<NextHop> hops = new ArrayList<>();
        if (r.multipath().isEmpty()) {
            r.outputInterface().ifPresent(i -> hops.add(new NextHop(names.getOrDefault(i, "if" + i), r.gateway().orElse(null))));
        } else {
            for (MultipathHop h : r.multipath()) {
                hops.add(new NextHop(names.getOrDefault(h.interfaceIndex(), "if" + h.interfaceIndex()),
                        h.gateway().orElse(null)));
            }
        }
        return new Route(destination, hops);
    }

    // ---- events ------------------------------------------------------------------------------

    /** A running event subscription; closing it stops its thread and socket. */
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Delivers link changes (RTNLGRP_LINK) and IPv6 address changes (RTNLGRP_IPV6_IFADDR) to
     * {@code listener} on a thread of its own until the subscription is closed. The socket is
     * bound before this returns, so no change made afterwards is missed.
     */
    public Subscription subscribe(NetlinkListener listener) {
        NetlinkSocket events = inNamespace(() -> NetlinkSocket.open(RTNLGRP_LINK, RTNLGRP_IPV6_IFADDR));
        events.receiveTimeout(200);
        Map<Integer, String> names = new HashMap<>(linkNames());
        Thread t = new Thread(() -> pump(events, listener, names), "netlink-events" + namespace().map(n -> "-" + n).orElse(""));
        t.setDaemon(true);
        t.start();
        return () -> {
            events.close();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
    }

    private static void pump(NetlinkSocket events, NetlinkListener listener, Map<Integer, String> names) {
        while (!events.isClosed()) {
            ByteBuffer b;
            try {
                b = events.receive();
            } catch (NetlinkException e) {
                if (events.isClosed()) {
                    return;
                }
                if (e.errno() == NetlinkException.ENOBUFS) {
                    listener.onEvent(new NetlinkEvent.Overrun());
                    continue;
                }
                throw e;
            }
            if (b == null) {
                continue;
            }
            for (NetlinkMessage m : NetlinkCodec.decode(b)) {
                if (m.payload() instanceof LinkMessage l) {
                    Link link = Link.of(l);
                    if (m.type() == RTM_DELLINK) {
                        names.remove(link.index());
                    } else {
                        names.put(link.index(), link.name());
                    }
                    listener.onEvent(new NetlinkEvent.LinkChanged(link, m.type() == RTM_DELLINK));
                } else if (m.payload() instanceof AddressMessage a && a.family() == AF_INET6) {
                    toInterfaceAddress(a, names).ifPresent(x ->
                            listener.onEvent(new NetlinkEvent.AddressChanged(x, m.type() == RTM_DELADDR)));
                }
            }
        }
    }

    // ---- sysctls -----------------------------------------------------------------------------

    /**
     * Sets IPv6 forwarding ({@code /proc/sys/net/ipv6/conf/NAME/forwarding}) for an interface,
     * {@code all} or {@code default}, in this namespace.
     */
    public void setForwarding(String interfaceName, boolean on) {
        writeConf(forwardingPath(interfaceName), on);
    }

    /**
     * Turns duplicate address detection on or off for an interface's addresses from their next
     * detection on ({@code accept_dad} of {@code /proc/sys/net/ipv6/conf/NAME}). Off, an address
     * is usable as soon as it is added or carrier comes up, not after the kernel's random delay
     * and a probe (1-2 s). (Optimistic detection, RFC 4429, would be gentler, but the kernel gives
     * a link-local address the optimistic flag only while forwarding is off everywhere, never on a
     * router.)
     */
    public void setDuplicateAddressDetection(String interfaceName, boolean on) {
        writeConf(confPath(interfaceName, "accept_dad"), on);
    }

    /**
     * Whether duplicate address detection is on for {@code interfaceName} ({@code all},
     * {@code default} or a link): its {@code accept_dad} is 1 or more. The kernel skips the
     * detection on a link only when both the link's and {@code all}'s are 0.
     */
    public boolean duplicateAddressDetection(String interfaceName) {
        Path p = confPath(interfaceName, "accept_dad");
        return inNamespace(() -> {
            try {
                return Integer.parseInt(Files.readString(p).trim()) >= 1;
            } catch (IOException | NumberFormatException e) {
                throw new KubermeshException("cannot read " + p + namespaceSuffix() + ": " + e, e);
            }
        });
    }

    /** Writes 1 or 0 to one {@code /proc/sys} file, in this namespace. */
    private void writeConf(Path p, boolean on) {
        inNamespace(() -> {
            try {
                Files.writeString(p, on ? "1\n" : "0\n");
                return null;
            } catch (IOException e) {
                throw new KubermeshException("cannot write " + p + namespaceSuffix() + ": " + e, e);
            }
        });
    }

    public boolean forwarding(String interfaceName) {
        Path p = forwardingPath(interfaceName);
        return inNamespace(() -> {
            try {
                return Files.readString(p).trim().equals("1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Path forwardingPath(String interfaceName) {
        return confPath(interfaceName, "forwarding");
    }

    private static Path confPath(String interfaceName, String key) {
        checkName(interfaceName);
        if (interfaceName.equals(".") || interfaceName.equals("..")) {
            throw new IllegalArgumentException("not an interface: " + interfaceName);
        }
        return Path.of("/proc/sys/net/ipv6/conf", interfaceName, key);
    }

    // ---- transport ---------------------------------------------------------------------------

    private List<NetlinkMessage.Payload> dump(int type, NetlinkMessage.Payload request) {
        return transact(type, NLM_F_REQUEST | NLM_F_DUMP, request, "dump type " + type);
    }

    /**
     * Sends one request and collects the answers until its acknowledgement (NLM_F_ACK) or the end
     * of its dump; answers to other sequence numbers (late replies of a timed-out request) are
     * dropped.
     */
    private synchronized List<NetlinkMessage.Payload> transact(int type, int flags, NetlinkMessage.Payload payload,
                                                               String what) {
        int seq = ++sequence;
        socket.send(NetlinkCodec.encode(new NetlinkMessage(type, flags, seq, 0, payload)));
        boolean isDump = (flags & NLM_F_DUMP) == NLM_F_DUMP;
        List<NetlinkMessage.Payload> out = new ArrayList<>();
        while (true) {
            ByteBuffer b = socket.receive();
            if (b == null) {
                throw new NetlinkException(what + namespaceSuffix() + ": no answer within " + REQUEST_TIMEOUT_MS + " ms",
                        NetlinkException.EAGAIN);
            }
            for (NetlinkMessage m : NetlinkCodec.decode(b)) {
                if (m.sequence() != seq) {
                    continue;
                }
                if (m.payload() instanceof NetlinkError e) {
                    if (e.isAck()) {
                        return out;
                    }
                    int errno = -e.error();
                    throw new NetlinkException(what + namespaceSuffix() + ": " + LibC.strerror(errno)
                            + e.message().map(s -> " (" + s + ")").orElse("") + " (errno " + errno + ")", errno);
                }
                if (m.payload() instanceof NetlinkDone d) {
                    if (d.status() < 0) {
                        throw new NetlinkException(what + namespaceSuffix() + ": dump failed: " + LibC.strerror(-d.status()),
                                -d.status());
                    }
                    return out;
                }
                out.add(m.payload());
                if (!isDump && (flags & NLM_F_ACK) == 0) {
                    return out;
                }
            }
        }
    }

    private String namespaceSuffix() {
        return namespace == null ? "" : " in namespace " + namespace.name();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } finally {
            if (namespace != null) {
                namespace.close();
            }
        }
    }
}
