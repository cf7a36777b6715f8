package io.kubermesh.agent;

import io.kubermesh.agent.control.AgentControl;
import io.kubermesh.agent.control.MeshControl;
import io.kubermesh.agent.control.MeshControlServer;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.controlplane.pki.PkiFiles;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's control endpoint on the mesh ({@link MeshControl}) and its client side, the
 * {@code relay} request: component {@value #COMPONENT}. It listens on the node's host address once
 * the node holds a certificate from the cluster CA: {@code off} without one (nothing on the mesh
 * answers a node that cannot prove who it is), {@code failed} when it cannot listen.
 *
 * <p>A relayed request that changes the node asked ({@link AgentControl#OPERATOR_REQUESTS}) goes
 * with the operator's certificate instead of the node's, which this agent makes only where the
 * cluster CA's key is a file of its state (the first machine); it is made in memory when needed,
 * valid for {@link #OPERATOR_VALIDITY}, made anew after half of that, and never written.
 */
final class MeshEndpoint implements AutoCloseable {
    static final String COMPONENT = "control/mesh";
    /** How long a relayed request may take: connect, handshake, and each read of its answer. */
    static final Duration RELAY_TIMEOUT = Duration.ofSeconds(10);
    private static final Logger LOG = LoggerFactory.getLogger(MeshEndpoint.class);

    private final Path pki;
    private final java.util.function.Predicate<io.kubermesh.api.MacAddress> denied;
    private final ComponentHealth health;
    private final io.kubermesh.agent.control.MeshRelay relay;
    private final io.kubermesh.agent.control.MeshRelay operatorRelay;
    private final Clock clock;
    private javax.net.ssl.SSLContext operatorTls;
    private java.time.Instant operatorMade;
    /** How long an operator certificate is valid: it cannot be revoked, so it is short-lived. */
    static final Duration OPERATOR_VALIDITY = Duration.ofHours(1);
    private MeshControlServer server;

    private MeshEndpoint(Path pki, java.util.function.Predicate<io.kubermesh.api.MacAddress> denied, Clock clock) {
        this.pki = pki;
        this.denied = denied;
        this.health = new ComponentHealth(COMPONENT, clock);
        this.relay = new io.kubermesh.agent.control.MeshRelay(this::tls, MeshControl.PORT, RELAY_TIMEOUT, denied);
        this.operatorRelay = new io.kubermesh.agent.control.MeshRelay(this::operatorTls, MeshControl.PORT, RELAY_TIMEOUT, denied);
        this.clock = clock;
    }

    /**
     * The operator's credentials as a TLS context: a certificate {@code CN=operator:first-machine}
     * the cluster CA's key signs here, valid for {@link #OPERATOR_VALIDITY}, kept in memory only and
     * made anew once half of that has passed.
     */
    private synchronized javax.net.ssl.SSLContext operatorTls() {
        java.time.Instant now = clock.instant();
        if (operatorTls == null || now.isAfter(operatorMade.plus(OPERATOR_VALIDITY.dividedBy(2)))) {
            java.nio.file.Path caKey = pki.resolve("ca.key");
            if (!java.nio.file.Files.isRegularFile(caKey)) {
                throw new io.kubermesh.api.KubermeshException("only the first machine, which holds the cluster CA's key, may ask"
                        + " another node to change (" + String.join(", ", AgentControl.OPERATOR_REQUESTS) + "); this node has no "
                        + caKey + ": ask the first machine's agent");
            }
            var ca = io.kubermesh.controlplane.pki.ClusterAuthority.fromPem(NodeCredentials.readText(pki.resolve("ca.crt")),
                    NodeCredentials.readText(caKey));
            operatorTls = ca.issue(io.kubermesh.controlplane.pki.Identity.operator("first-machine"), now, OPERATOR_VALIDITY)
                    .sslContext();
            operatorMade = now;
            LOG.info("mesh control: operator certificate made (in memory, valid {}) to ask other nodes to change a port",
                    OPERATOR_VALIDITY);
        }
        return operatorTls;
    }

    /** How long the node's credentials are used before they are read again (a renewed certificate is taken within this). */
    static final Duration CREDENTIALS_REREAD = Duration.ofSeconds(60);
    private javax.net.ssl.SSLContext tls;
    private long tlsRead;

    /**
     * The node's credentials as a TLS context, read again after {@link #CREDENTIALS_REREAD}: not
     * per relay, since a substrate waiting for a booting machine asks through this node several
     * times a second, and reading the key and certificates each time cost the gateway a core's
     * third (one context also lets the handshakes resume sessions).
     */
    private synchronized javax.net.ssl.SSLContext tls() {
        long now = System.nanoTime();
        if (tls == null || now - tlsRead >= CREDENTIALS_REREAD.toNanos()) {
            try {
                tls = NodeCredentials.read(pki, PkiFiles.NODE).sslContext();
            } catch (RuntimeException e) {
                if (tls == null) {
                    throw e;
                }
                // caught mid-renewal, say: the credentials read before still serve until the next try
                LOG.warn("mesh control: reading the node's credentials again failed, using those read before: {}", e.toString());
            }
            tlsRead = now;
        }
        return tls;
    }

    /**
     * Listens on {@code host} port {@code port} when the node in {@code stateDirectory} has its
     * certificate; refuses clients (and, asking, servers) whose machine {@code denied} holds.
     */
    static MeshEndpoint start(Path stateDirectory, Ipv6Address host, int port, AgentControl control,
                              java.util.function.Predicate<io.kubermesh.api.MacAddress> denied, Clock clock) {
        MeshEndpoint m = new MeshEndpoint(PkiFiles.directory(stateDirectory), denied, clock);
        if (!NodeCredentials.present(m.pki, PkiFiles.NODE)) {
            m.health.off("no node certificate in " + m.pki + ": nothing on the mesh would trust this node");
            LOG.info("mesh control off: no node certificate in {}", m.pki);
            return m;
        }
        try {
            m.server = MeshControlServer.start(NodeCredentials.read(m.pki, PkiFiles.NODE).sslContext(), host.toInetAddress(), port,
                    control, denied);
            m.health.running(m.server.describe());
            LOG.info("mesh control: TLS on [{}]:{}, node certificates of the cluster CA only", host, m.server.port());
        } catch (java.io.IOException | RuntimeException e) {
            m.health.failed("cannot listen on [" + host + "]:" + port + ": " + e);
            LOG.error("mesh control: cannot listen on [{}]:{}: {}", host, port, e.toString());
        }
        return m;
    }

    ComponentStatus view() {
        MeshControlServer s = server;
        if (s != null && ComponentStatus.RUNNING.equals(health.state())) {
            health.running(s.describe());
        }
        return health.view();
    }

    /**
     * What the agent at {@code host} answers to {@code request}, asked with this node's certificate
     * over the connection to it kept from the last request, if any ({@link io.kubermesh.agent.control.MeshRelay}).
     */
    String relay(Ipv6Address host, String request) {
        if (!NodeCredentials.present(pki, PkiFiles.NODE)) {
            throw new io.kubermesh.api.KubermeshException("this node has no certificate in " + pki + " to ask another node with");
        }
        boolean changes = AgentControl.OPERATOR_REQUESTS.contains(request.trim().split(" +", 2)[0]);
        return changes ? operatorRelay.ask(host, request) : relay.ask(host, request);
    }

    @Override
    public void close() {
        relay.close();
        operatorRelay.close();
        if (server != null) {
            server.close();
        }
    }
}
