package io.kubermesh.boot.dhcp6;

import io.kubermesh.api.BootSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.internal.Sockets;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import io.kubermesh.boot.internal.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DHCPv6 transport: one UDP socket per mesh port interface, bound to
 * All_DHCP_Relay_Agents_and_Servers (ff02::1:2) port 547 on that interface and joined to that
 * group there, answering to the client's link-local source and port. Bound to the multicast
 * address, the socket never sees a unicast message: this server sends no Server Unicast option,
 * so RFC 8415 (sections 16 and 18.4) has it discard every unicast Solicit, Request, Confirm,
 * Rebind, Renew, Release, Decline and Information-request, and a link-scoped group is never
 * routed, so nothing from beyond the link reaches it. The engine checks the destination and the
 * link-local source again. Each socket is also bound to its interface with
 * {@code SO_BINDTODEVICE} (through jnr-ffi), so the ingress port of every message is the socket it
 * arrived on; a second server on the same interface fails to bind instead of silently sharing
 * the traffic. One {@link Dhcp6Engine} and one lease file ({@code STATE/dhcp6.leases}) serve all
 * ports. A listener thread outlives every failure of one message (a lease store that cannot
 * write, a send that fails): it logs it and takes the next. Needs CAP_NET_BIND_SERVICE and
 * CAP_NET_RAW.
 */
public final class Dhcp6Server implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dhcp6Server.class);
    /** All_DHCP_Relay_Agents_and_Servers (RFC 8415 section 7.1). */
    public static final Ipv6Address ALL_SERVERS = Ipv6Address.parse("ff02::1:2");
    public static final int SERVER_PORT = 547;
    private static final Duration POLL = Duration.ofMillis(200);

    private final Dhcp6Engine engine;
    private final List<Listener> listeners = new ArrayList<>();
    private volatile boolean running = true;

    private final class Listener implements Runnable {
        final int port;
        final String interfaceName;
        final int ifIndex;
        final int fd;
        final Thread thread;

        Listener(int port, String interfaceName) {
            this.port = port;
            this.interfaceName = interfaceName;
            this.ifIndex = Sockets.interfaceIndex(interfaceName);
            int s = Sockets.open(Sockets.SOCK_DGRAM, Sockets.IPPROTO_UDP);
            try {
                Sockets.v6Only(s);
                Sockets.bindToDevice(s, interfaceName);
                Sockets.bind(s, ALL_SERVERS, SERVER_PORT, ifIndex);
                Sockets.joinGroup(s, ALL_SERVERS, ifIndex);
                Sockets.receiveTimeout(s, POLL);
                Sockets.receiveBufferSize(s, 1 << 20);
            } catch (KubermeshException e) {
                Sockets.close(s);
                throw e;
            }
            this.fd = s;
            this.thread = new Thread(this, "dhcp6-" + interfaceName);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            Sockets.ReceiveBuffer native64k = new Sockets.ReceiveBuffer(65536);
            byte[] buffer = new byte[native64k.size()];
            while (running) {
                try {
                    Optional<Sockets.Datagram> d = Sockets.receive(fd, native64k, buffer);
                    if (d.isPresent()) {
                        serve(d.get(), buffer);
                    }
                } catch (RuntimeException | Error e) {
                    // Never let one message end the listener: a lease store on a read-only or full
                    // disk (UncheckedIOException), a failed send, a bug. Log it and take the next.
                    if (running) {
                        LOG.error("dhcp6 {} port {}: message failed, listener goes on: {}", interfaceName, port,
                                LogText.escape(String.valueOf(e)));
                    }
                    if (e instanceof VirtualMachineError fatal) {
                        throw fatal;
                    }
                }
            }
        }

        private void serve(Sockets.Datagram d, byte[] buffer) {
            Dhcp6Message in;
            try {
                in = Dhcp6Codec.decode(ByteBuffer.wrap(buffer, 0, d.length()));
            } catch (KubermeshException e) {
                LOG.info("dhcp6 {} port {} from {}: malformed ({}), dropped", interfaceName, port, d.source(),
                        LogText.escape(e.getMessage()));
                return;
            }
            Optional<Dhcp6Message> out = engine.handle(new Dhcp6Engine.Received(port, d.source(), ALL_SERVERS, in));
            if (out.isPresent()) {
                byte[] bytes = Dhcp6Codec.encodeToBytes(out.get());
                Sockets.sendTo(fd, bytes, bytes.length, d.source(), d.port(), ifIndex);
            }
        }
    }

    private Dhcp6Server(Dhcp6Engine engine, Map<Integer, String> interfaces) {
        this.engine = engine;
        try {
            for (Map.Entry<Integer, String> e : new TreeMap<>(interfaces).entrySet()) {
                listeners.add(new Listener(e.getKey(), e.getValue()));
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        listeners.forEach(l -> l.thread.start());
        listeners.forEach(l -> LOG.info("dhcp6 serving port {} on {} (ifindex {})", l.port, l.interfaceName, l.ifIndex));
    }

    /**
     * Starts serving each port of {@code ports} on its interface, leases in {@code stateDirectory}.
     *
     * @param boot lifetimes and boot file names
     * @param identity the node's identity MAC: the server's DUID-LL, stable across restarts
     * @param ports the ports served, each with the interface it is served on
     */
    public static Dhcp6Server start(BootSpec boot, MacAddress identity, Map<PortPrefix, String> ports,
                                    Path stateDirectory) {
        return start(boot, identity, ports, new FileLeaseStore(stateDirectory), Clock.systemUTC());
    }

    /** As above, with a given lease store and clock. */
    public static Dhcp6Server start(BootSpec boot, MacAddress identity, Map<PortPrefix, String> ports, LeaseStore leases,
                                    Clock clock) {
        Duid serverId = new Duid.LinkLayer(Duid.ETHERNET, Octets.of(identity.toBytes()));
        Dhcp6Engine engine = new Dhcp6Engine(boot, List.copyOf(ports.keySet()), serverId, leases, clock);
        Map<Integer, String> interfaces = new TreeMap<>();
        ports.forEach((p, link) -> interfaces.put(p.index(), link));
        return new Dhcp6Server(engine, interfaces);
    }

    /** The cable of {@code port} lost carrier: its leases are marked gone ({@link Dhcp6Engine#cableGone}). */
    public List<Lease> cableGone(int port) {
        return engine.cableGone(port);
    }

    /** The bindings now held. */
    public List<Lease> leases() {
        return engine.leases();
    }

    /** Stops every listener and closes its socket; idempotent. */
    @Override
    public void close() {
        running = false;
        for (Listener l : listeners) {
            try {
                l.thread.join(POLL.toMillis() * 10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (Listener l : listeners) {
            try {
                Sockets.close(l.fd);
            } catch (KubermeshException e) {
                LOG.warn("dhcp6 {}: {}", l.interfaceName, e.getMessage());
            }
        }
        listeners.clear();
    }
}
