package io.kubermesh.provider.netns.firmware;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.boot.dhcp6.BootFile;
import io.kubermesh.boot.dhcp6.Dhcp6Codec;
import io.kubermesh.boot.dhcp6.Dhcp6Message;
import io.kubermesh.boot.dhcp6.Dhcp6Option;
import io.kubermesh.boot.dhcp6.Duid;
import io.kubermesh.boot.dhcp6.MessageType;
import io.kubermesh.boot.dhcp6.Octets;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The DHCPv6 client side of a network boot, as firmware and iPXE speak it (RFC 8415 section 18):
 * Solicit with the client's architecture, vendor and user classes and an ORO asking for the boot
 * file URL; Request of the advertised address; the Reply's address and URL. Retransmits with
 * doubling timeouts (1 s, 2 s, 4 s, …) up to a deadline. Client port 546, from the interface's
 * link-local address, to ff02::1:2 on that interface.
 */
public final class Dhcp6Client {
    /** Who is asking: the firmware stage. */
    public record Stage(String name, int architecture, Optional<String> vendorClass, Optional<String> userClass, Duid duid) {
        /** UEFI x64 PXE firmware: architecture 7, vendor class "PXEClient", a DUID-LLT of its MAC. */
        public static Stage uefi(MacAddress mac) {
            return new Stage("uefi", 7, Optional.of(BootFile.PXE_CLIENT), Optional.empty(),
                    new Duid.LinkLayerTime(Duid.ETHERNET, 700_000_000L, Octets.of(mac.toBytes())));
        }

        /** iPXE: architecture 7, user class "iPXE", a DUID-LL of its MAC (a new DUID, as real iPXE sends). */
        public static Stage ipxe(MacAddress mac) {
            return new Stage("ipxe", 7, Optional.empty(), Optional.of("iPXE"),
                    new Duid.LinkLayer(Duid.ETHERNET, Octets.of(mac.toBytes())));
        }
    }

    /** What the server gave. */
    public record Lease(Ipv6Address address, Optional<String> bootFileUrl, Ipv6Address server) {
    }

    private static final int CLIENT_PORT = 546;
    private static final int SERVER_PORT = 547;

    private Dhcp6Client() {
    }

    /** Runs Solicit/Advertise/Request/Reply on {@code iface} for {@code stage}, giving up after {@code timeout}. */
    public static Lease lease(String iface, Stage stage, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramChannel ch = open(iface, deadline); Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            InetSocketAddress servers = new InetSocketAddress(
                    Inet6Address.getByAddress(null, InetAddress.getByName("ff02::1:2").getAddress(),
                            ((Inet6Address) ((InetSocketAddress) ch.getLocalAddress()).getAddress()).getScopeId()),
                    SERVER_PORT);
            Dhcp6Message advertise = exchange(ch, selector, servers, solicit(stage), MessageType.ADVERTISE, deadline);
            Dhcp6Option.IaNa ia = advertise.option(Dhcp6Option.IaNa.class).orElseThrow(() ->
                    new SubstrateException(stage.name() + ": the Advertise carries no IA_NA: " + advertise));
            Dhcp6Message request = new Dhcp6Message(MessageType.REQUEST, xid(), withServer(solicitOptions(stage, ia),
                    advertise.serverId().orElseThrow()));
            Dhcp6Message reply = exchange(ch, selector, servers, request, MessageType.REPLY, deadline);
            Dhcp6Option.IaAddress address = reply.option(Dhcp6Option.IaNa.class).flatMap(i -> i.options().stream()
                    .filter(Dhcp6Option.IaAddress.class::isInstance).map(Dhcp6Option.IaAddress.class::cast).findFirst())
                    .orElseThrow(() -> new SubstrateException(stage.name() + ": the Reply gives no address: " + reply));
            Optional<String> url = reply.option(Dhcp6Option.BootfileUrl.class).map(Dhcp6Option.BootfileUrl::url);
            return new Lease(address.address(), url, Ipv6Address.ZERO);
        } catch (IOException e) {
            throw new SubstrateException(stage.name() + ": DHCPv6 on " + iface + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until {@code iface} has a usable link-local address (the kernel's duplicate address
     * detection done, as UEFI firmware waits for its own before it solicits) and returns it.
     */
    public static Inet6Address linkLocal(String iface, Duration timeout) {
        try (DatagramChannel ch = open(iface, System.nanoTime() + timeout.toNanos())) {
            return (Inet6Address) ((InetSocketAddress) ch.getLocalAddress()).getAddress();
        } catch (IOException e) {
            throw new SubstrateException("no usable link-local address on " + iface + ": " + e.getMessage(), e);
        }
    }

    private static DatagramChannel open(String iface, long deadline) throws IOException {
        // Java lists only interfaces that have an address (SIOCGIFCONF and /proc/net/if_inet6), so
        // a port whose carrier just came up is invisible until the kernel gives it its link-local
        // address; that address is usable once duplicate address detection is done. Retry both.
        NetworkInterface nif = NetworkInterface.getByName(iface);
        IOException last = null;
        while (System.nanoTime() < deadline) {
            Optional<Inet6Address> ll = nif == null ? Optional.empty() : nif.inetAddresses()
                    .filter(a -> a instanceof Inet6Address && a.isLinkLocalAddress())
                    .map(Inet6Address.class::cast).findFirst();
            if (ll.isPresent()) {
                DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6);
                try {
                    ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                    ch.setOption(StandardSocketOptions.IP_MULTICAST_IF, nif);
                    ch.bind(new InetSocketAddress(ll.get(), CLIENT_PORT));
                    return ch;
                } catch (IOException e) {
                    last = e;
                    ch.close();
                }
            }
            sleep(20);
            nif = NetworkInterface.getByName(iface);
        }
        throw new SubstrateException((nif == null ? "no interface " + iface + " with an address" : "no usable link-local address on "
                + iface) + (last == null ? "" : ": " + last.getMessage()));
    }

    private static Dhcp6Message exchange(DatagramChannel ch, Selector selector, InetSocketAddress to, Dhcp6Message out,
                                         MessageType expected, long deadline) throws IOException {
        long wait = 1000;
        ByteBuffer buf = ByteBuffer.allocate(2048);
        while (System.nanoTime() < deadline) {
            ch.send(ByteBuffer.wrap(Dhcp6Codec.encodeToBytes(out)), to);
            long until = Math.min(deadline, System.nanoTime() + wait * 1_000_000L);
            while (System.nanoTime() < until) {
                selector.select(Math.max(1, (until - System.nanoTime()) / 1_000_000L));
                selector.selectedKeys().clear();
                buf.clear();
                if (ch.receive(buf) == null) {
                    continue;
                }
                buf.flip();
                try {
                    Dhcp6Message in = Dhcp6Codec.decode(buf);
                    if (in.transactionId() == out.transactionId() && in.type().equals(expected)) {
                        return in;
                    }
                } catch (MalformedPacketException e) {
                    // not ours to worry about: wait for a well-formed answer
                }
            }
            wait = Math.min(wait * 2, 8000);
        }
        throw new SocketTimeoutException("no " + expected + " to " + out.type() + " before the deadline");
    }

    private static Dhcp6Message solicit(Stage stage) {
        return new Dhcp6Message(MessageType.SOLICIT, xid(), solicitOptions(stage,
                new Dhcp6Option.IaNa(1, 0, 0, List.of())));
    }

    private static List<Dhcp6Option> solicitOptions(Stage stage, Dhcp6Option.IaNa ia) {
        List<Dhcp6Option> o = new ArrayList<>();
        o.add(new Dhcp6Option.ClientId(stage.duid()));
        o.add(new Dhcp6Option.ElapsedTime(0));
        o.add(new Dhcp6Option.OptionRequest(List.of(59, 60, 23)));
        o.add(new Dhcp6Option.ClientArch(List.of(stage.architecture())));
        stage.vendorClass().ifPresent(v -> o.add(new Dhcp6Option.VendorClass(BootFile.INTEL_ENTERPRISE,
                List.of(Octets.ofText(v)))));
        stage.userClass().ifPresent(u -> o.add(new Dhcp6Option.UserClass(List.of(Octets.ofText(u)))));
        o.add(new Dhcp6Option.IaNa(ia.iaid(), 0, 0, ia.options().stream()
                .filter(Dhcp6Option.IaAddress.class::isInstance).toList()));
        return o;
    }

    private static List<Dhcp6Option> withServer(List<Dhcp6Option> options, Duid server) {
        List<Dhcp6Option> o = new ArrayList<>(options);
        o.add(1, new Dhcp6Option.ServerId(server));
        return o;
    }

    private static int xid() {
        return ThreadLocalRandom.current().nextInt(0x100_0000);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted");
        }
    }
}
