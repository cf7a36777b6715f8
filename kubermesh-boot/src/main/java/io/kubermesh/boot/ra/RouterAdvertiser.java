package io.kubermesh.boot.ra;

import io.kubermesh.api.BootSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.internal.Sockets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Router advertisements on every mesh port (RFC 4861 section 6.2): to all-nodes at random
 * intervals of at most {@link BootSpec#routerAdvertisementInterval()}, and within half a second
 * to a host that sends a router solicitation, rate-limited as {@link AdvertisementSchedule} says. Managed and other-config flags are set (addresses and boot options come from
 * DHCPv6), the port /126 is on-link and not autonomous, the router lifetime lets the booting
 * machine route through this node to its host address and the anycast services.
 *
 * <p>One raw ICMPv6 socket per interface ({@code SO_BINDTODEVICE}), hop limit 255 for unicast and
 * multicast, joined to all-routers (ff02::2) on that interface, {@code ICMP6_FILTER} passing only
 * solicitations, and bound to the interface's link-local address once it has left DAD, so every
 * advertisement has the link-local source RFC 4861 section 6.1.2 demands. Needs CAP_NET_RAW.
 */
public final class RouterAdvertiser implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RouterAdvertiser.class);
    public static final Ipv6Address ALL_NODES = Ipv6Address.parse("ff02::1");
    public static final Ipv6Address ALL_ROUTERS = Ipv6Address.parse("ff02::2");
    private static final int POLL_MILLIS = 200;
    private static final int CUR_HOP_LIMIT = 64;
    /** IFA_F_TENTATIVE and IFA_F_DADFAILED in /proc/net/if_inet6. */
    private static final int NOT_USABLE = 0x40 | 0x08;

    private final BootSpec boot;
    private final List<Port> ports = new ArrayList<>();
    private volatile boolean running = true;

    private final class Port implements Runnable {
        final PortPrefix prefix;
        final String interfaceName;
        final int ifIndex;
        final int fd;
        final byte[] advertisement;
        final byte[] farewell;
        final Thread thread;
        volatile boolean bound;

        Port(PortPrefix prefix, String interfaceName) {
            this.prefix = prefix;
            this.interfaceName = interfaceName;
            this.ifIndex = Sockets.interfaceIndex(interfaceName);
            int s = Sockets.open(Sockets.SOCK_RAW, Sockets.IPPROTO_ICMPV6);
            try {
                Sockets.bindToDevice(s, interfaceName);
                Sockets.hopLimit(s, 255);
                Sockets.multicastInterface(s, ifIndex);
                Sockets.multicastLoop(s, false);
                Sockets.joinGroup(s, ALL_ROUTERS, ifIndex);
                Sockets.icmp6Pass(s, NdMessage.ROUTER_SOLICITATION);
                Sockets.receiveTimeout(s, java.time.Duration.ofMillis(POLL_MILLIS));
                MacAddress mac = Sockets.hardwareAddress(s, interfaceName);
                this.advertisement = NdCodec.encode(advertisementFor(boot, prefix, mac));
                this.farewell = NdCodec.encode(farewellFor(prefix, mac));
            } catch (KubermeshException e) {
                Sockets.close(s);
                throw e;
            }
            this.fd = s;
            this.thread = new Thread(this, "ra-" + interfaceName);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            Sockets.ReceiveBuffer received = new Sockets.ReceiveBuffer(1500);
            byte[] buffer = new byte[received.size()];
            AdvertisementSchedule schedule = null;
            while (running) {
                try {
                    if (schedule == null && bindLinkLocal()) {
                        bound = true;
                        schedule = new AdvertisementSchedule(boot.routerAdvertisementInterval(), RandomGenerator.getDefault(),
                                now());
                    }
                    if (schedule != null) {
                        send(schedule.due(now()));
                        long wait = Duration.between(now(), schedule.nextDue()).toMillis();
                        Sockets.receiveTimeout(fd, Duration.ofMillis(Math.max(1, Math.min(POLL_MILLIS, wait))));
                    }
                    Optional<Sockets.Datagram> d = Sockets.receive(fd, received, buffer);
                    if (d.isPresent() && schedule != null) {
                        solicited(d.get(), buffer, schedule);
                    }
                } catch (KubermeshException e) {
                    if (running) {
                        LOG.warn("ra {} port {}: {}", interfaceName, prefix.index(), e.getMessage());
                        sleepQuietly();
                    }
                }
            }
        }

        private void send(List<AdvertisementSchedule.Send> due) {
            for (AdvertisementSchedule.Send s : due) {
                Sockets.sendTo(fd, advertisement, advertisement.length, s.to(), 0, ifIndex);
                if (s.why().equals("periodic")) {
                    LOG.debug("ra {} port {}: periodic advertisement of {}", interfaceName, prefix.index(), prefix.prefix());
                } else {
                    LOG.info("ra {} port {}: {} -> advertisement of {} to {}", interfaceName, prefix.index(), s.why(),
                            prefix.prefix(), s.to());
                }
            }
        }

        private void solicited(Sockets.Datagram d, byte[] buffer, AdvertisementSchedule schedule) {
            NdMessage m;
            try {
                m = NdCodec.decode(java.nio.ByteBuffer.wrap(buffer, 0, d.length()));
            } catch (KubermeshException e) {
                LOG.info("ra {} port {} from {}: malformed ({}), dropped", interfaceName, prefix.index(), d.source(), e.getMessage());
                return;
            }
            if (!(m instanceof NdMessage.RouterSolicitation rs)) {
                return;
            }
            Instant now = now();
            Instant answer = schedule.solicited(d.source(), now);
            LOG.info("ra {} port {} from {}: router solicitation {} -> answer in {} ms", interfaceName, prefix.index(),
                    d.source(), rs.options(), Math.max(0, Duration.between(now, answer).toMillis()));
        }

        /** Binds to the interface's link-local address once DAD has finished with it. */
        private boolean bindLinkLocal() {
            Optional<Ipv6Address> ll = linkLocal(ifIndex);
            if (ll.isEmpty()) {
                return false;
            }
            Sockets.bind(fd, ll.get(), 0, ifIndex);
            LOG.info("ra {} port {}: advertising {} from {} at random intervals of at most {}", interfaceName,
                    prefix.index(), prefix.prefix(), ll.get(), boot.routerAdvertisementInterval());
            return true;
        }
    }

    private RouterAdvertiser(BootSpec boot, Map<PortPrefix, String> served) {
        this.boot = boot;
        try {
            for (Map.Entry<PortPrefix, String> e : served.entrySet()) {
                ports.add(new Port(e.getKey(), e.getValue()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        ports.forEach(p -> p.thread.start());
    }

    /** Starts advertising each port of {@code ports} on the interface it maps to. */
    public static RouterAdvertiser start(BootSpec boot, Map<PortPrefix, String> ports) {
        Map<PortPrefix, String> byIndex = new TreeMap<>(java.util.Comparator.comparingInt(PortPrefix::index));
        byIndex.putAll(ports);
        return new RouterAdvertiser(boot, byIndex);
    }

    /** What this node advertises on {@code port}: a pure function, for tests and logs. */
    public static NdMessage.RouterAdvertisement advertisementFor(BootSpec boot, PortPrefix port, MacAddress source) {
        return new NdMessage.RouterAdvertisement(CUR_HOP_LIMIT, true, true, (int) boot.routerLifetime().getSeconds(), 0, 0,
                List.of(new NdOption.SourceLinkLayer(source),
                        new NdOption.PrefixInformation(port.prefix().length(), true, false,
                                boot.validLifetime().getSeconds(), boot.preferredLifetime().getSeconds(),
                                port.prefix().network())));
    }

    /**
     * What this node sends when it stops serving a port (RFC 4861 section 6.2.5): router lifetime 0
     * and the prefix with lifetimes 0, so hosts drop the default route and the on-link route now.
     */
    public static NdMessage.RouterAdvertisement farewellFor(PortPrefix port, MacAddress source) {
        return new NdMessage.RouterAdvertisement(CUR_HOP_LIMIT, true, true, 0, 0, 0,
                List.of(new NdOption.SourceLinkLayer(source),
                        new NdOption.PrefixInformation(port.prefix().length(), true, false, 0, 0, port.prefix().network())));
    }

    /** A monotonic clock for the schedule: wall-clock steps must not shift advertisements. */
    private static Instant now() {
        return Instant.ofEpochSecond(0, System.nanoTime());
    }

    /** The usable link-local address of interface {@code ifIndex}, from this thread's namespace. */
    static Optional<Ipv6Address> linkLocal(int ifIndex) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/thread-self/net/if_inet6"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read /proc/thread-self/net/if_inet6", e);
        }
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 6 || Integer.parseInt(f[1], 16) != ifIndex || (Integer.parseInt(f[4], 16) & NOT_USABLE) != 0) {
                continue;
            }
            Ipv6Address a = Ipv6Address.fromBytes(java.util.HexFormat.of().parseHex(f[0]));
            if (a.isLinkLocal()) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops advertising, sends each port's farewell (lifetimes 0) and closes every socket; idempotent. */
    @Override
    public void close() {
        running = false;
        for (Port p : ports) {
            try {
                p.thread.join(POLL_MILLIS * 10L);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Port p : ports) {
            try {
                if (p.bound) {
                    Sockets.sendTo(p.fd, p.farewell, p.farewell.length, ALL_NODES, 0, p.ifIndex);
                    LOG.info("ra {} port {}: farewell advertisement, router lifetime 0", p.interfaceName, p.prefix.index());
                }
            } catch (KubermeshException e) {
                LOG.warn("ra {}: farewell: {}", p.interfaceName, e.getMessage());
            }
            try {
                Sockets.close(p.fd);
            } catch (KubermeshException e) {
                LOG.warn("ra {}: {}", p.interfaceName, e.getMessage());
            }
        }
        ports.clear();
    }
}
