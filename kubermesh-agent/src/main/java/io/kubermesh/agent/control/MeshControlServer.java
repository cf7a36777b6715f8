package io.kubermesh.agent.control;

import io.kubermesh.api.MacAddress;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control endpoint on the mesh ({@link MeshControl}): TLS 1.3, a client certificate
 * from the cluster CA required, and it must be a node's whose machine is not denied, answered the
 * requests that read the node only ({@link AgentControl#overMesh()}), or the operator's, answered
 * those and the ones that change a port ({@link AgentControl#overMeshToOperator()}).
 *
 * <p>Budgets, so that nobody keeps the nodes from asking: at most {@value #HANDSHAKES} connections
 * still in their TLS handshake, {@value #PER_SOURCE} of them from one address (a device on a free
 * port has only the few addresses its port's pool gives it), each closed when its handshake is
 * not done within {@link MeshControl#HANDSHAKE} however it trickles; at most {@value #SESSIONS}
 * authenticated sessions, each closed after {@link #IDLE} without a request or {@link #LIFETIME}
 * in all. Connections beyond a budget are closed at once. The deadlines close the plain socket
 * under the TLS one, so a handshake blocked in a read is cut off too.
 */
public final class MeshControlServer implements AutoCloseable {
    static final int HANDSHAKES = 32;
    static final int PER_SOURCE = 2;
    static final int SESSIONS = 16;
    static final Duration IDLE = Duration.ofSeconds(60);
    static final Duration LIFETIME = Duration.ofMinutes(10);
    private static final Logger LOG = LoggerFactory.getLogger(MeshControlServer.class);

    private final ServerSocket server;
    private final SSLContext tls;
    private final AgentControl control;
    private final AgentControl operatorControl;
    private final Predicate<MacAddress> denied;
    private final Semaphore handshakes = new Semaphore(HANDSHAKES);
    private final Semaphore sessions = new Semaphore(SESSIONS);
    private final Map<InetAddress, AtomicInteger> pendingBySource = new ConcurrentHashMap<>();
    private final Set<Socket> live = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mesh-control-deadlines");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String lastRefusal;

    private MeshControlServer(ServerSocket server, SSLContext tls, AgentControl control, Predicate<MacAddress> denied) {
        this.server = server;
        this.tls = tls;
        this.control = control.overMesh();
        this.operatorControl = control.overMeshToOperator();
        this.denied = denied;
    }

    /**
     * Listens on {@code address} port {@code port} (0: any free port) with {@code tls} (this node's
     * credentials, trusting the cluster CA) and answers with {@code control}'s mesh requests; a
     * client whose node's MAC {@code denied} holds is refused after its handshake.
     */
    public static MeshControlServer start(SSLContext tls, InetAddress address, int port, AgentControl control,
                                          Predicate<MacAddress> denied) throws IOException {
        ServerSocket s = new ServerSocket();
        try {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port), 64);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        MeshControlServer m = new MeshControlServer(s, tls, control, denied);
        Thread accept = new Thread(m::accept, "mesh-control");
        accept.setDaemon(true);
        accept.start();
        return m;
    }

    public int port() {
        return server.getLocalPort();
    }

    /** What it does, for the component's detail: where it listens and how many connections it answered and refused. */
    public String describe() {
        String last = lastRefusal;
        return "TLS on [" + text(server.getInetAddress()) + "]:" + port() + ", "
                + answered.get() + " answered, " + refused.get() + " refused" + (last == null ? "" : " (last: " + last + ")");
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket raw;
            try {
                raw = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    // out of file descriptors, say: not a loop that burns a core while it lasts
                    LOG.warn("mesh control: accepting a connection failed: {}", e.toString());
                    sleep(100);
                }
                continue;
            }
            InetAddress from = raw.getInetAddress();
            AtomicInteger pending = pendingBySource.computeIfAbsent(from, a -> new AtomicInteger());
            if (pending.incrementAndGet() > PER_SOURCE) {
                release(from, pending);
                refuse(raw, PER_SOURCE + " handshakes from " + text(from) + " are under way already");
                closeQuietly(raw);
                continue;
            }
            if (!handshakes.tryAcquire()) {
                release(from, pending);
                refuse(raw, HANDSHAKES + " handshakes are under way already");
                closeQuietly(raw);
                continue;
            }
            try {
                Thread session = new Thread(() -> session(raw, from, pending), "mesh-control-session");
                session.setDaemon(true);
                session.start();
            } catch (RuntimeException | OutOfMemoryError e) {
                handshakes.release();
                release(from, pending);
                closeQuietly(raw);
                LOG.warn("mesh control: cannot start a session: {}", e.toString());
            }
        }
    }

    private void session(Socket raw, InetAddress from, AtomicInteger pending) {
        live.add(raw);
        boolean handshaking = true;
        boolean inSession = false;
        // A client that stalls its handshake, or trickles it a byte at a time, is closed at the deadline.
        ScheduledFuture<?> deadline = schedule(raw, MeshControl.HANDSHAKE);
        ScheduledFuture<?> lifetime = null;
        try {
            raw.setSoTimeout((int) MeshControl.HANDSHAKE.toMillis());
            SSLSocket client = (SSLSocket) tls.getSocketFactory().createSocket(raw, null, raw.getPort(), true);
            client.setUseClientMode(false);
            client.setEnabledProtocols(new String[] {"TLSv1.3"});
            client.setNeedClientAuth(true);
            try {
                client.startHandshake();
            } catch (IOException e) {
                refuse(raw, "TLS handshake: " + e.getMessage());
                return;
            }
            if (deadline != null) {
                deadline.cancel(false);
            }
            handshaking = false;
            handshakes.release();
            release(from, pending);
            X509Certificate peer = (X509Certificate) client.getSession().getPeerCertificates()[0];
            Optional<MacAddress> mac = MeshControl.nodeMac(peer);
            Optional<String> operator = MeshControl.operatorName(peer);
            if (mac.isEmpty() && operator.isEmpty()) {
                refuse(raw, "certificate '" + io.kubermesh.controlplane.pki.NodeCredentials.commonName(peer)
                        + "' is neither a node's nor the operator's");
                return;
            }
            if (mac.isPresent() && denied.test(mac.get())) {
                refuse(raw, "node " + mac.get() + " is denied");
                return;
            }
            if (!sessions.tryAcquire()) {
                refuse(raw, SESSIONS + " sessions are open already");
                return;
            }
            inSession = true;
            answered.incrementAndGet();
            lifetime = schedule(raw, LIFETIME);
            raw.setSoTimeout((int) IDLE.toMillis());
            if (operator.isPresent()) {
                LOG.info("mesh control: the operator (as {}) connected from {}", operator.get(), text(from));
            }
            ControlSession.serve(new BufferedInputStream(client.getInputStream()),
                    new BufferedOutputStream(client.getOutputStream()), operator.isPresent() ? operatorControl : control);
        } catch (IOException | RuntimeException e) {
            LOG.debug("mesh control session ended: {}", e.toString());
        } finally {
            if (deadline != null) {
                deadline.cancel(false);
            }
            if (lifetime != null) {
                lifetime.cancel(false);
            }
            if (handshaking) {
                handshakes.release();
                release(from, pending);
            }
            if (inSession) {
                sessions.release();
            }
            live.remove(raw);
            closeQuietly(raw);
        }
    }

    /** Closes {@code raw} after {@code after}; null (and closed now) when the server is closing. */
    private ScheduledFuture<?> schedule(Socket raw, Duration after) {
        try {
            return deadlines.schedule(() -> closeQuietly(raw), after.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            closeQuietly(raw);
            return null;
        }
    }

    private void release(InetAddress from, AtomicInteger pending) {
        if (pending.decrementAndGet() <= 0) {
            pendingBySource.remove(from, pending);
        }
    }

    private void refuse(Socket client, String why) {
        refused.incrementAndGet();
        String from = client.getInetAddress() == null ? "?" : text(client.getInetAddress());
        lastRefusal = from + ": " + why;
        LOG.debug("mesh control: refused {}: {}", from, why);
    }

    private static void closeQuietly(java.io.Closeable s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing a connection we give up on: nothing left to do
        }
    }

    /** An address as the plan writes it ({@code 2001:db8::1}, not {@code 2001:db8:0:0:0:0:0:1%3}). */
    private static String text(InetAddress a) {
        return a instanceof java.net.Inet6Address six ? io.kubermesh.api.Ipv6Address.of(six).toString() : a.getHostAddress();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening and closes every connection still open. */
    @Override
    public void close() {
        closeQuietly(server);
        deadlines.shutdownNow();
        live.forEach(MeshControlServer::closeQuietly);
    }
}
