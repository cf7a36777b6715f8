package io.kubermesh.boot.tftp;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.boot.internal.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A read-only TFTP server: the thin socket loop around {@link TftpCodec}, {@link ReadTransfer}
 * and {@link TftpRoot}. One listening socket per bind address (IPv6 global, and link-local with
 * the interface's scope id); each request gets its own socket bound to the address the request
 * came to (RFC 1350 transfer identifiers), and every transfer runs on one {@link TransferLoop}.
 *
 * <p>Every request is logged with client, local address and interface, file, options and result.
 */
public final class TftpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TftpServer.class);

    /** How long to wait for a tentative (DAD) address to become bindable. */
    static final long BIND_PATIENCE_MILLIS = 5000;

    private final TftpRoot root;
    private final String port;
    private final TransferOptions.Limits limits;
    private final Clock clock;
    private final List<DatagramSocket> listeners = new ArrayList<>();
    private final List<Thread> listenerThreads = new ArrayList<>();
    private final TransferLoop transfers;
    private final Slots slots;
    private final Semaphore total;
    private final java.util.concurrent.ConcurrentHashMap<InetAddress, AtomicInteger> perClient =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicInteger active = new AtomicInteger();

    /**
     * How many transfers run at once.
     *
     * @param total on this server; more are answered with an ERROR
     * @param perClient from one client address; more from it are answered with an ERROR, so one
     *     client cannot take every slot
     */
    public record Slots(int total, int perClient) {
        /**
         * 256 in all, 64 from one address: a firmware fetches one file at a time, a benchmark 32
         * at once; a flood from one address leaves three quarters of the slots to the others.
         */
        public static final Slots DEFAULT = new Slots(256, 64);

        public Slots {
            if (total < 1 || perClient < 1) {
                throw new IllegalArgumentException("TFTP slots must be positive");
            }
        }
    }
    private volatile boolean closed;

    /**
     * Starts serving {@code rootDirectory} on every address of {@code binds}.
     *
     * @param rootDirectory the directory to serve (read only)
     * @param binds socket addresses to listen on; a link-local one must carry its scope id
     * @param limits what the server grants at most
     * @param slots concurrent transfers, in all and per client address; requests past them are answered with an ERROR
     */
    public TftpServer(java.nio.file.Path rootDirectory, List<InetSocketAddress> binds, TransferOptions.Limits limits,
                      Slots slots) {
        this(rootDirectory, binds, limits, slots, null);
    }

    /**
     * As above; {@code port} (like {@code port 2 on eth1}) names where requests came in, in every
     * log line, instead of the interface alone, so each line says which mesh port served it.
     */
    public TftpServer(java.nio.file.Path rootDirectory, List<InetSocketAddress> binds, TransferOptions.Limits limits,
                      Slots slots, String port) {
        this.port = port;
        this.root = new TftpRoot(rootDirectory);
        this.limits = limits;
        this.clock = Clock.systemUTC();
        this.slots = slots;
        this.total = new Semaphore(slots.total());
        AtomicInteger n = new AtomicInteger();
        this.transfers = new TransferLoop("tftp-transfers" + (port == null ? "" : " " + port), clock);
        if (binds.isEmpty()) {
            throw new IllegalArgumentException("a TFTP server needs at least one address to bind");
        }
        try {
            for (InetSocketAddress bind : binds) {
                DatagramSocket s = bind(bind);
                listeners.add(s);
                Thread t = new Thread(() -> listen(s), "tftp-listen-" + s.getLocalSocketAddress());
                t.setDaemon(true);
                listenerThreads.add(t);
            }
        } catch (SocketException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        listenerThreads.forEach(Thread::start);
        LOG.info("TFTP serving {} on {}", root.directory(), addresses());
    }

    /**
     * Binds one listening socket. An address still in duplicate address detection (tentative, as
     * a link-local address is for about a second after its link comes up) cannot be bound yet:
     * retry for up to {@link #BIND_PATIENCE_MILLIS}.
     */
    private static DatagramSocket bind(InetSocketAddress bind) throws SocketException {
        long deadline = System.nanoTime() + BIND_PATIENCE_MILLIS * 1_000_000L;
        while (true) {
            DatagramSocket s = new DatagramSocket(null);
            s.setReuseAddress(true);
            try {
                s.bind(bind);
                return s;
            } catch (SocketException e) {
                s.close();
                boolean tentative = String.valueOf(e.getMessage()).contains("Cannot assign requested address");
                if (!tentative || System.nanoTime() > deadline) {
                    throw new KubermeshException("cannot bind TFTP to " + bind + ": " + e.getMessage());
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw new KubermeshException("interrupted binding TFTP to " + bind);
                }
            }
        }
    }

    /** Serves {@code rootDirectory} on port 69 (or {@code port}) of every IPv6 address of the named interfaces. */
    public static TftpServer onInterfaces(java.nio.file.Path rootDirectory, List<String> interfaces, int port) {
        List<InetSocketAddress> binds = new ArrayList<>();
        for (String name : interfaces) {
            binds.addAll(interfaceAddresses(name, port));
        }
        return new TftpServer(rootDirectory, binds, TransferOptions.Limits.DEFAULT, Slots.DEFAULT);
    }

    /** The IPv6 addresses of an interface, link-local ones with the interface as scope. */
    public static List<InetSocketAddress> interfaceAddresses(String name, int port) {
        try {
            NetworkInterface nif = NetworkInterface.getByName(name);
            if (nif == null) {
                throw new KubermeshException("no network interface " + name);
            }
            List<InetSocketAddress> out = new ArrayList<>();
            for (InetAddress a : Collections.list(nif.getInetAddresses())) {
                if (a instanceof Inet6Address six) {
                    InetAddress scoped = six.isLinkLocalAddress()
                            ? Inet6Address.getByAddress(null, six.getAddress(), nif) : six;
                    out.add(new InetSocketAddress(scoped, port));
                }
            }
            if (out.isEmpty()) {
                throw new KubermeshException("interface " + name + " has no IPv6 address to serve TFTP on");
            }
            return out;
        } catch (IOException e) {
            throw new KubermeshException("cannot list addresses of " + name + ": " + e.getMessage());
        }
    }

    /** The bound addresses (with the real port when 0 was asked). */
    public List<InetSocketAddress> addresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (DatagramSocket s : listeners) {
            out.add((InetSocketAddress) s.getLocalSocketAddress());
        }
        return out;
    }

    /** Transfers running now. */
    public int activeTransfers() {
        return active.get();
    }

    private void listen(DatagramSocket socket) {
        byte[] buf = new byte[TftpCodec.MAX_PACKET];
        InetSocketAddress local = (InetSocketAddress) socket.getLocalSocketAddress();
        while (!closed) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("TFTP listener on {} failed: {}", local, e.toString());
                }
                return;
            }
            InetSocketAddress client = (InetSocketAddress) p.getSocketAddress();
            TftpPacket packet;
            try {
                packet = TftpCodec.decode(ByteBuffer.wrap(p.getData(), p.getOffset(), p.getLength()));
            } catch (MalformedPacketException e) {
                LOG.info("TFTP {} -> {} ({}): malformed request of {} bytes: {}", client, local, site(local),
                        p.getLength(), LogText.escape(e.getMessage()));
                answer(local, client, new TftpPacket.Error(TftpErrorCode.ILLEGAL_OPERATION,
                        "illegal TFTP operation: " + e.getMessage()));
                continue;
            }
            if (packet instanceof TftpPacket.ReadRequest rrq) {
                start(local, client, rrq);
            } else if (packet instanceof TftpPacket.WriteRequest wrq) {
                LOG.info("TFTP {} -> {} ({}): WRQ {} refused: read-only server", client, local, site(local),
                        LogText.escape(wrq.filename()));
                answer(local, client, new TftpPacket.Error(TftpErrorCode.ACCESS_VIOLATION,
                        "access violation: read-only server, writes refused"));
            } else {
                LOG.info("TFTP {} -> {} ({}): {} on the request port, no transfer", client, local, site(local),
                        packet.getClass().getSimpleName());
                answer(local, client, new TftpPacket.Error(TftpErrorCode.UNKNOWN_TRANSFER_ID, "unknown transfer ID"));
            }
        }
    }

    /** Starts a transfer if a slot is free, in all and for the client's address; else answers ERROR. */
    private void start(InetSocketAddress local, InetSocketAddress client, TftpPacket.ReadRequest rrq) {
        InetAddress address = client.getAddress();
        AtomicInteger mine = perClient.computeIfAbsent(address, a -> new AtomicInteger());
        if (mine.incrementAndGet() > slots.perClient()) {
            release(address);
            LOG.warn("TFTP {} -> {} ({}): RRQ {} refused: {} transfers from {} already", client, local, site(local),
                    LogText.escape(rrq.filename()), slots.perClient(), address.getHostAddress());
            answer(local, client, new TftpPacket.Error(TftpErrorCode.NOT_DEFINED, "too many transfers from your address"));
            return;
        }
        if (!total.tryAcquire()) {
            release(address);
            LOG.warn("TFTP {} -> {} ({}): RRQ {} refused: {} transfers running", client, local, site(local),
                    LogText.escape(rrq.filename()), active.get());
            answer(local, client, new TftpPacket.Error(TftpErrorCode.NOT_DEFINED, "server busy, retry later"));
            return;
        }
        active.incrementAndGet();
        transfers.submit(new TransferSession(root, limits, clock, local, client, rrq, site(local), () -> {
            active.decrementAndGet();
            total.release();
            release(address);
        }));
    }

    private void release(InetAddress address) {
        perClient.computeIfPresent(address, (a, n) -> n.decrementAndGet() <= 0 ? null : n);
    }

    /** Sends one packet from a fresh port of {@code local} (a new transfer identifier, RFC 1350 section 4). */
    private static void answer(InetSocketAddress local, InetSocketAddress client, TftpPacket packet) {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(local.getAddress(), 0))) {
            byte[] b = TftpCodec.encode(packet);
            s.send(new DatagramPacket(b, b.length, client));
        } catch (IOException e) {
            LOG.debug("TFTP could not answer {}: {}", client, e.toString());
        }
    }

    /** The port label, else the interface of {@code local}, for the log. */
    private String site(InetSocketAddress local) {
        return port != null ? port : scope(local);
    }

    static String scope(InetSocketAddress a) {
        if (a.getAddress() instanceof Inet6Address six && six.getScopedInterface() != null) {
            return six.getScopedInterface().getName();
        }
        try {
            NetworkInterface nif = NetworkInterface.getByInetAddress(a.getAddress());
            return nif == null ? "any" : nif.getName();
        } catch (SocketException e) {
            return "?";
        }
    }

    /** Stops listening; running transfers are interrupted at their next receive. */
    @Override
    public void close() {
        closed = true;
        listeners.forEach(DatagramSocket::close);
        transfers.close();
        for (Thread t : listenerThreads) {
            try {
                t.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
