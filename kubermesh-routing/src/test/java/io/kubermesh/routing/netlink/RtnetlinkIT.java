package io.kubermesh.routing.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.testing.Namespaces;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Rtnetlink against the real kernel, in namespaces kmrn-a and kmrn-b, checked with {@code ip -j}. */
class RtnetlinkIT {
    private static final String A = "kmrn-a";
    private static final String B = "kmrn-b";
    private final Namespaces namespaces = new Namespaces();
    private Rtnetlink netlink;

    @BeforeAll
    static void environment() {
        Namespaces.requireRootAndIp();
    }

    @BeforeEach
    void setUp() {
        namespaces.add(A);
        namespaces.add(B);
        netlink = Rtnetlink.open(A);
    }

    @AfterEach
    void tearDown() {
        try {
            if (netlink != null) {
                netlink.close();
            }
        } finally {
            namespaces.close();
        }
    }

    @Test
    void createsAVethPairAcrossNamespacesAndTheStubInterface() {
        netlink.createVeth("kmrn0a", "kmrn0b", Optional.of(B));
        String kind = netlink.createStub("kmrnst0");

        assertThat(Namespaces.ipJson(A, "link", "show", "kmrn0a")).hasSize(1);
        assertThat(Namespaces.ipJson(B, "link", "show", "kmrn0b")).hasSize(1);
        assertThat(Namespaces.run(false, "ip", "-n", A, "link", "show", "kmrn0b")).contains("does not exist");
        JsonNode stub = Namespaces.ipJson(A, "-d", "link", "show", "kmrnst0").get(0);
        assertThat(stub.at("/linkinfo/info_kind").asText()).isEqualTo(kind);
        // This kernel has no CONFIG_DUMMY: the fallback is what makes the stub exist at all.
        boolean kernelHasDummy = Files.exists(Path.of("/sys/module/dummy"));
        assertThat(kind).isEqualTo(kernelHasDummy ? "dummy" : "ifb");

        Link veth = netlink.link("kmrn0a").orElseThrow();
        assertThat(veth.kind()).contains("veth");
        assertThat(veth.up()).isFalse();
        assertThat(netlink.links()).extracting(Link::name).contains("lo", "kmrn0a", "kmrnst0").doesNotContain("kmrn0b");
        assertThat(netlink.link("kmrnnone")).isEmpty();
    }

    @Test
    void movesALinkAndSetsItUpAndDown() {
        netlink.createVeth("kmrn0a", "kmrn0b");
        netlink.moveToNamespace("kmrn0b", B);
        assertThat(Namespaces.ipJson(B, "link", "show", "kmrn0b")).hasSize(1);
        netlink.setUp("kmrn0a", true);
        assertThat(Namespaces.ipJson(A, "link", "show", "kmrn0a").get(0).get("flags").toString()).contains("\"UP\"");
        netlink.setUp("kmrn0a", false);
        assertThat(Namespaces.ipJson(A, "link", "show", "kmrn0a").get(0).get("flags").toString()).doesNotContain("\"UP\"");
        netlink.deleteLink("kmrn0a");
        assertThat(netlink.link("kmrn0a")).isEmpty();
        assertThat(Namespaces.run(false, "ip", "-n", B, "link", "show", "kmrn0b")).contains("does not exist");
    }

    @Test
    void addsAddressesWithLifetimesAndReadsThemBackAsIpDoes() {
        netlink.createVeth("kmrn0a", "kmrn0b", Optional.of(B));
        netlink.createStub("kmrnst0");
        netlink.setUp("kmrn0a", true);
        netlink.setUp("kmrnst0", true);
        Ipv6Address port = Ipv6Address.parse("2001:db8::20");
        Ipv6Address host = Ipv6Address.parse("2001:db8::");
        netlink.addAddress("kmrn0a", port, 126, AddressLifetime.PORT, EnumSet.of(AddressFlag.NODAD));
        netlink.addAddress("kmrnst0", host, 128, new AddressLifetime(1800, 3600),
                EnumSet.of(AddressFlag.NODAD, AddressFlag.NOPREFIXROUTE));

        InterfaceAddress p = only(netlink.addresses("kmrn0a"), port);
        assertThat(p.prefixLength()).isEqualTo(126);
        assertThat(p.lifetime()).isEqualTo(AddressLifetime.PORT);
        assertThat(p.deprecated()).isTrue();
        assertThat(p.tentative()).isFalse();
        InterfaceAddress h = only(netlink.addresses("kmrnst0"), host);
        assertThat(h.flags() & RtnetlinkCodes.IFA_F_NOPREFIXROUTE).isNotZero();
        assertThat(h.lifetime().validSeconds()).isBetween(3590L, 3600L);
        assertThat(h.lifetime().preferredSeconds()).isBetween(1790L, 1800L);

        // The same facts as ip reports them.
        for (String dev : List.of("kmrn0a", "kmrnst0")) {
            Set<String> ours = new HashSet<>();
            netlink.addresses(dev).stream().filter(x -> !x.address().isLinkLocal()).forEach(x -> ours.add(x.address()
                    + "/" + x.prefixLength() + " " + x.lifetime().preferredSeconds() / 100 + " " + x.lifetime().validSeconds() / 100));
            Set<String> theirs = new HashSet<>();
            for (JsonNode i : Namespaces.ipJson(A, "-6", "addr", "show", "dev", dev).get(0).get("addr_info")) {
                if (!i.get("scope").asText().equals("link")) {
                    theirs.add(i.get("local").asText() + "/" + i.get("prefixlen").asInt() + " "
                            + i.get("preferred_life_time").asLong() / 100 + " " + i.get("valid_life_time").asLong() / 100);
                }
            }
            assertThat(ours).as(dev).isEqualTo(theirs).isNotEmpty();
        }
        // A second add updates (replace) rather than failing.
        netlink.addAddress("kmrnst0", host, 128, AddressLifetime.PERMANENT, EnumSet.of(AddressFlag.NODAD));
        assertThat(only(netlink.addresses("kmrnst0"), host).lifetime()).isEqualTo(AddressLifetime.PERMANENT);

        assertThat(netlink.removeAddress("kmrn0a", port, 126)).isTrue();
        assertThat(netlink.removeAddress("kmrn0a", port, 126)).isFalse();
        assertThat(Namespaces.ip(A, "-6", "addr", "show", "dev", "kmrn0a")).doesNotContain("2001:db8::20");
    }

    @Test
    void addsAndRemovesAnIpv4AddressAsIpSeesIt() {
        netlink.createStub("kmrnst0");
        netlink.setUp("kmrnst0", true);
        io.kubermesh.api.Ipv4Address a = io.kubermesh.api.Ipv4Address.parse("172.30.2.7");
        netlink.addIpv4Address("kmrnst0", a, 32);
        netlink.addIpv4Address("kmrnst0", a, 32);
        assertThat(netlink.ipv4Addresses("kmrnst0")).containsExactly(a);
        assertThat(Namespaces.ip(A, "-4", "addr", "show", "dev", "kmrnst0")).contains("inet 172.30.2.7/32");
        assertThat(netlink.addresses("kmrnst0")).as("IPv6 read-back unaffected").noneMatch(x -> x.address().toString()
                .contains("172"));
        assertThat(netlink.removeIpv4Address("kmrnst0", a, 32)).isTrue();
        assertThat(netlink.removeIpv4Address("kmrnst0", a, 32)).isFalse();
        assertThat(netlink.ipv4Addresses("kmrnst0")).isEmpty();
    }

    private static InterfaceAddress only(List<InterfaceAddress> all, Ipv6Address a) {
        List<InterfaceAddress> m = all.stream().filter(x -> x.address().equals(a)).toList();
        assertThat(m).as(a + " in " + all).hasSize(1);
        return m.get(0);
    }

    @Test
    void deliversLinkAndAddressEvents() throws InterruptedException {
        netlink.createVeth("kmrn0a", "kmrn0b", Optional.of(B));
        netlink.setUp("kmrn0a", true);
        LinkedBlockingQueue<NetlinkEvent> events = new LinkedBlockingQueue<>();
        try (Rtnetlink.Subscription s = netlink.subscribe(events::add)) {
            Namespaces.ip(A, "link", "set", "kmrn0a", "down");
            awaitLink(events, "kmrn0a", false);
            Namespaces.ip(A, "link", "set", "kmrn0a", "up");
            awaitLink(events, "kmrn0a", true);
            Namespaces.ip(A, "-6", "addr", "add", "2001:db8::30/128", "dev", "kmrn0a", "nodad");
            awaitAddress(events, "2001:db8::30", false);
            Namespaces.ip(A, "-6", "addr", "del", "2001:db8::30/128", "dev", "kmrn0a");
            awaitAddress(events, "2001:db8::30", true);
        }
    }

    private static void awaitLink(LinkedBlockingQueue<NetlinkEvent> q, String name, boolean up) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            NetlinkEvent e = q.poll(100, TimeUnit.MILLISECONDS);
            if (e instanceof NetlinkEvent.LinkChanged l && l.link().name().equals(name) && l.link().up() == up
                    && !l.removed()) {
                return;
            }
        }
        throw new AssertionError("no event: " + name + (up ? " up" : " down"));
    }

    private static void awaitAddress(LinkedBlockingQueue<NetlinkEvent> q, String address, boolean removed)
            throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            NetlinkEvent e = q.poll(100, TimeUnit.MILLISECONDS);
            if (e instanceof NetlinkEvent.AddressChanged a && a.address().address().toString().equals(address)
                    && a.removed() == removed) {
                assertThat(a.address().interfaceName()).isEqualTo("kmrn0a");
                return;
            }
        }
        throw new AssertionError("no event: " + address + (removed ? " removed" : " added"));
    }

    @Test
    void readsRoutesIncludingMultipath() {
        netlink.createVeth("kmrn0a", "kmrn0b", Optional.of(B));
        netlink.createVeth("kmrn1a", "kmrn1b", Optional.of(B));
        for (String l : List.of("kmrn0a", "kmrn1a")) {
            netlink.setUp(l, true);
        }
        Namespaces.ip(B, "link", "set", "kmrn0b", "up");
        Namespaces.ip(B, "link", "set", "kmrn1b", "up");
        Namespaces.ip(A, "-6", "route", "add", "2001:db8:1::/64", "nexthop", "via", "fe80::1", "dev", "kmrn0a",
                "nexthop", "via", "fe80::2", "dev", "kmrn1a");
        Namespaces.ip(A, "-6", "route", "add", "2001:db8:2::5/128", "via", "fe80::9", "dev", "kmrn1a");

        List<Route> routes = netlink.routes();
        assertThat(routes).contains(
                new Route(Ipv6Prefix.parse("2001:db8:1::/64"), List.of(new NextHop("kmrn0a", Ipv6Address.parse("fe80::1")),
                        new NextHop("kmrn1a", Ipv6Address.parse("fe80::2")))),
                new Route(Ipv6Prefix.parse("2001:db8:2::5/128"), List.of(new NextHop("kmrn1a", Ipv6Address.parse("fe80::9")))));
        // Every route ip lists in the main table is one we read, with the same next hops.
        for (JsonNode r : Namespaces.ipJson(A, "-6", "route", "show", "table", "main")) {
            String dst = r.get("dst").asText();
            Ipv6Prefix p = dst.equals("default") ? Ipv6Prefix.parse("::/0")
                    : Ipv6Prefix.parse(dst.contains("/") ? dst : dst + "/128");
            Set<NextHop> hops = new HashSet<>();
            if (r.has("nexthops")) {
                r.get("nexthops").forEach(n -> hops.add(new NextHop(n.get("dev").asText(),
                        Ipv6Address.parse(n.get("gateway").asText()))));
            } else {
                hops.add(new NextHop(r.get("dev").asText(), r.has("gateway") ? Ipv6Address.parse(r.get("gateway").asText()) : null));
            }
            assertThat(routes).as(dst).anySatisfy(x -> {
                assertThat(x.destination()).isEqualTo(p);
                assertThat(new HashSet<>(x.nextHops())).isEqualTo(hops);
            });
        }
    }

    @Test
    void setsForwardingInsideTheNamespaceOnly() throws Exception {
        String host = Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/forwarding")).trim();
        netlink.setForwarding("all", true);
        assertThat(netlink.forwarding("all")).isTrue();
        assertThat(Namespaces.run(true, "ip", "netns", "exec", A, "cat", "/proc/sys/net/ipv6/conf/all/forwarding").trim())
                .isEqualTo("1");
        assertThat(Files.readString(Path.of("/proc/sys/net/ipv6/conf/all/forwarding")).trim()).isEqualTo(host);
        netlink.setForwarding("all", false);
        assertThat(Namespaces.run(true, "ip", "netns", "exec", A, "cat", "/proc/sys/net/ipv6/conf/all/forwarding").trim())
                .isEqualTo("0");
    }

    @Test
    void kernelRefusalsCarryErrnoAndText() {
        netlink.createStub("kmrnst0");
        assertThatThrownBy(() -> netlink.createStub("kmrnst0")).isInstanceOf(NetlinkException.class)
                .hasMessageContaining("File exists").hasMessageContaining(A)
                .satisfies(e -> assertThat(((NetlinkException) e).errno()).isEqualTo(NetlinkException.EEXIST));
        assertThatThrownBy(() -> netlink.setUp("kmrnnone", true)).isInstanceOf(NetlinkException.class)
                .hasMessageContaining("kmrnnone");
    }
}
