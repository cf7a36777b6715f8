package io.kubermesh.agent.control;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.spi.AgentChannel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * The control protocol between machines: TLS 1.3 over TCP to port {@value #PORT} of a node's host
 * address. Both ends present the node certificate the cluster CA issued them (the first machine
 * makes its own; every other gets its own once, through its Ignition config) and trust that CA
 * only. The server ({@link MeshControlServer}) talks only to a node certificate and answers only
 * what reads it ({@link AgentControl#MESH_REQUESTS}), or to the operator's certificate, to which it
 * also answers {@link AgentControl#OPERATOR_REQUESTS}; the client talks only to a server with a
 * node certificate: nothing trusts an address. A node's certificate names the MAC it netbooted
 * with, which need not be the MAC its host address comes from (the identity rule picks the lowest
 * of all its NICs), so the client knows it reached an enrolled machine of the cluster, not which
 * one; binding the host address into the certificate would need the issuer to know the node's
 * identity, which it does not when it serves the Ignition config.
 */
public final class MeshControl {
    public static final int PORT = 7441;
    /** How long a TLS handshake may take, either end. */
    static final Duration HANDSHAKE = Duration.ofSeconds(5);
    /** The longest answer a client takes: the routes of a large mesh are more than a request's 8 KiB. */
    static final int MAX_ANSWER = 4 * 1024 * 1024;
    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "mesh-control-client-deadlines");
                t.setDaemon(true);
                return t;
            });

    private MeshControl() {
    }

    /** The MAC a node certificate names ({@code CN=node:MAC}); empty for any other certificate. */
    public static Optional<MacAddress> nodeMac(X509Certificate certificate) {
        String cn = NodeCredentials.commonName(certificate);
        if (!cn.startsWith(Identity.NODE_PREFIX)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MacAddress.parse(cn.substring(Identity.NODE_PREFIX.length())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The name an operator certificate names ({@code CN=operator:NAME}, {@link Identity#operator}); empty for any other. */
    public static Optional<String> operatorName(X509Certificate certificate) {
        String cn = NodeCredentials.commonName(certificate);
        return cn.startsWith(Identity.OPERATOR_PREFIX) && cn.length() > Identity.OPERATOR_PREFIX.length()
                ? Optional.of(cn.substring(Identity.OPERATOR_PREFIX.length())) : Optional.empty();
    }

    /**
     * A channel to the agent at {@code host}: connected within {@code timeout}, TLS with {@code tls}
     * (this node's credentials, trusting the cluster CA only), the server's certificate a node's.
     * Reads wait at most {@code timeout} each.
     */
    public static AgentChannel connect(SSLContext tls, Ipv6Address host, int port, Duration timeout) {
        return connect(tls, host, port, timeout, mac -> false);
    }

    /** {@link #connect(SSLContext, Ipv6Address, int, Duration)}, refusing a server whose machine {@code denied} holds. */
    public static AgentChannel connect(SSLContext tls, Ipv6Address host, int port, Duration timeout,
                                       java.util.function.Predicate<MacAddress> denied) {
        String where = "[" + host + "]:" + port;
        SSLSocket socket = null;
        try {
            socket = (SSLSocket) tls.getSocketFactory().createSocket();
            socket.setEnabledProtocols(new String[] {"TLSv1.3"});
            socket.connect(new InetSocketAddress(host.toInetAddress(), port), (int) timeout.toMillis());
            socket.setSoTimeout((int) Math.min(timeout.toMillis(), HANDSHAKE.toMillis()));
            socket.startHandshake();
            Certificate[] chain = socket.getSession().getPeerCertificates();
            X509Certificate peer = (X509Certificate) chain[0];
            Optional<MacAddress> mac = nodeMac(peer);
            if (mac.isEmpty()) {
                throw new KubermeshException("the agent control at " + where + " presented '" + NodeCredentials.commonName(peer)
                        + "', not a node certificate");
            }
            if (denied.test(mac.get())) {
                throw new KubermeshException("the agent control at " + where + " is node " + mac.get() + ", which is denied");
            }
            socket.setSoTimeout((int) timeout.toMillis());
            return new TlsChannel(socket, mac.get());
        } catch (SSLException e) {
            close(socket);
            throw new KubermeshException("TLS with the agent control at " + where + " failed (a certificate one end does not"
                    + " trust, or none): " + e.getMessage(), e);
        } catch (IOException e) {
            close(socket);
            throw new KubermeshException("cannot reach the agent control at " + where + ": " + e, e);
        } catch (RuntimeException e) {
            close(socket);
            throw e;
        }
    }

    /**
     * Sends one request line and returns the answer line as it came (at most {@value #MAX_ANSWER}
     * bytes); fails when the channel ends first, or when the whole exchange takes longer than
     * {@code within} (the channel is closed then, however the far end trickles).
     */
    public static String ask(AgentChannel channel, String request, Duration within) {
        java.util.concurrent.atomic.AtomicBoolean late = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.ScheduledFuture<?> deadline = DEADLINES.schedule(() -> {
            late.set(true);
            channel.close();
        }, within.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            channel.output().write((request + "\n").getBytes(StandardCharsets.UTF_8));
            channel.output().flush();
            java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
            int b;
            while ((b = channel.input().read()) >= 0 && b != '\n') {
                if (line.size() >= MAX_ANSWER) {
                    throw new KubermeshException("the answer to '" + request + "' is longer than " + MAX_ANSWER + " bytes");
                }
                line.write(b);
            }
            if (b < 0) {
                throw new Closed("the agent closed the connection without answering '" + request + "'", null);
            }
            return line.toString(StandardCharsets.UTF_8);
        } catch (java.net.SocketTimeoutException e) {
            throw new Late("no answer to '" + request + "': nothing came for " + e.getMessage(), e);
        } catch (IOException e) {
            if (late.get()) {
                throw new Late("no whole answer to '" + request + "' within " + within.toSeconds() + " s", e);
            }
            throw new Closed("asking '" + request + "': " + e, e);
        } finally {
            deadline.cancel(false);
        }
    }

    /** {@link #ask(AgentChannel, String, Duration)} with 15 s for the whole exchange. */
    public static String ask(AgentChannel channel, String request) {
        return ask(channel, request, Duration.ofSeconds(15));
    }

    private static void close(SSLSocket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // a socket that failed to open has nothing left to release
            }
        }
    }

    /** No whole answer in time (the deadline of {@link #ask}, or a read that waited its time-out): the far end is slow, not gone. */
    public static final class Late extends KubermeshException {
        private static final long serialVersionUID = 1L;

        Late(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The connection ended or broke before the answer ended: the far end closed it (a restart, its idle limit). */
    public static final class Closed extends KubermeshException {
        private static final long serialVersionUID = 1L;

        Closed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The node at the other end of a channel {@link #connect} opened (its certificate's MAC); empty for any other channel. */
    public static Optional<MacAddress> peer(AgentChannel channel) {
        return channel instanceof TlsChannel t ? Optional.of(t.peer) : Optional.empty();
    }

    private static final class TlsChannel implements AgentChannel {
        private final SSLSocket socket;
        private final MacAddress peer;
        private final InputStream in;
        private final OutputStream out;

        TlsChannel(SSLSocket socket, MacAddress peer) throws IOException {
            this.socket = socket;
            this.peer = peer;
            this.in = new BufferedInputStream(socket.getInputStream());
            this.out = new BufferedOutputStream(socket.getOutputStream());
        }

        @Override
        public InputStream input() {
            return in;
        }

        @Override
        public OutputStream output() {
            return out;
        }

        @Override
        public void close() {
            MeshControl.close(socket);
        }
    }
}
