package io.kubermesh.agent.control;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control endpoint on the mesh ({@link MeshControl}): TLS 1.3, a client certificate
 * from the cluster CA required and it must be a node's; the requests that read the node only
 * ({@link AgentControl#overMesh()}). At most {@value #CONNECTIONS} connections at a time (more are
 * closed at once), a handshake must be done within {@link MeshControl#HANDSHAKE} (a client that
 * stalls is closed), and a connection idle for {@link #IDLE} is closed.
 */
public final class MeshControlServer implements AutoCloseable {
    static final int CONNECTIONS = 16;
    static final Duration IDLE = Duration.ofSeconds(60);
    private static final Logger LOG = LoggerFactory.getLogger(MeshControlServer.class);

    private final SSLServerSocket server;
    private final AgentControl control;
    private final Semaphore slots = new Semaphore(CONNECTIONS);
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "mesh-control-deadlines");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private volatile String lastRefusal;

    private MeshControlServer(SSLServerSocket server, AgentControl control) {
        this.server = server;
        this.control = control.overMesh();
    }

    /**
     * Listens on {@code address} port {@code port} (0: any free port) with {@code tls} (this node's
     * credentials, trusting the cluster CA) and answers with {@code control}'s mesh requests.
     */
    public static MeshControlServer start(SSLContext tls, InetAddress address, int port, AgentControl control) throws IOException {
        SSLServerSocket s = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket();
        try {
            s.setReuseAddress(true);
            s.setEnabledProtocols(new String[] {"TLSv1.3"});
            s.setNeedClientAuth(true);
            s.bind(new InetSocketAddress(address, port), 64);
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        MeshControlServer m = new MeshControlServer(s, control);
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
        return "TLS on [" + server.getInetAddress().getHostAddress().replaceAll("%.*", "") + "]:" + port() + ", "
                + answered.get() + " answered, " + refused.get() + " refused" + (last == null ? "" : " (last: " + last + ")");
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.warn("mesh control: accepting a connection failed: {}", e.toString());
                }
                continue;
            }
            if (!slots.tryAcquire()) {
                refuse(client, CONNECTIONS + " connections are open already");
                closeQuietly(client);
                continue;
            }
            Thread session = new Thread(() -> session((SSLSocket) client), "mesh-control-session");
            session.setDaemon(true);
            session.start();
        }
    }

    private void session(SSLSocket client) {
        // A client that stalls its handshake (or sends it a byte at a time) is closed at the deadline.
        ScheduledFuture<?> deadline = deadlines.schedule(() -> closeQuietly(client), MeshControl.HANDSHAKE.toMillis(),
                TimeUnit.MILLISECONDS);
        try (client) {
            client.setSoTimeout((int) MeshControl.HANDSHAKE.toMillis());
            try {
                client.startHandshake();
            } catch (IOException e) {
                refuse(client, "TLS handshake: " + e.getMessage());
                return;
            }
            deadline.cancel(false);
            X509Certificate peer = (X509Certificate) client.getSession().getPeerCertificates()[0];
            if (MeshControl.nodeMac(peer).isEmpty()) {
                refuse(client, "certificate '" + io.kubermesh.controlplane.pki.NodeCredentials.commonName(peer)
                        + "' is not a node's");
                return;
            }
            answered.incrementAndGet();
            client.setSoTimeout((int) IDLE.toMillis());
            ControlSession.serve(new BufferedInputStream(client.getInputStream()),
                    new BufferedOutputStream(client.getOutputStream()), control);
        } catch (IOException e) {
            LOG.debug("mesh control session ended: {}", e.toString());
        } finally {
            deadline.cancel(false);
            slots.release();
        }
    }

    private void refuse(Socket client, String why) {
        refused.incrementAndGet();
        String from = client.getRemoteSocketAddress() == null ? "?" : client.getRemoteSocketAddress().toString();
        lastRefusal = from + ": " + why;
        LOG.debug("mesh control: refused {}: {}", from, why);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing a connection we give up on: nothing left to do
        }
    }

    @Override
    public void close() {
        closeQuietly(server);
        deadlines.shutdownNow();
    }

    private static void closeQuietly(java.net.ServerSocket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing left to release
        }
    }
}
