package io.kubermesh.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.agent.NodeStatus;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.controlplane.pki.ClusterAuthority;
import io.kubermesh.controlplane.pki.Identity;
import io.kubermesh.controlplane.pki.NodeCredentials;
import io.kubermesh.spi.AgentChannel;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control protocol between machines over real TLS sockets on the loopback address: who may
 * ask, who may answer, what is answered, and clients that stall.
 */
class MeshControlTest {
    private static final Instant NOW = Instant.now();
    private static final MacAddress SERVER = MacAddress.parse("52:54:00:00:01:00");
    private static final MacAddress CLIENT = MacAddress.parse("52:54:00:00:02:00");
    private static final Ipv6Address LOOPBACK = Ipv6Address.parse("::1");
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final ClusterAuthority ca = ClusterAuthority.create("mesh", NOW);
    private final ClusterAuthority otherCa = ClusterAuthority.create("other", NOW);
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
    }

    private MeshControlServer serve(NodeCredentials as) throws Exception {
        AgentControl control = AgentControl.of(
                () -> new NodeStatus("server", "running", SERVER.toString(), "::1", "2001:db8::/119", "2001:db8::100/120",
                        "kmstub0", List.of(), List.of(), "t0", "t1", null, null),
                () -> new ControlAnswers.Routes(List.of()), () -> new ControlAnswers.Neighbours(List.of()),
                a -> new ControlAnswers.Probes(List.of()));
        MeshControlServer s = MeshControlServer.start(as.sslContext(), InetAddress.getByName("::1"), 0, control);
        open.add(s);
        return s;
    }

    private AgentChannel connect(SSLContext tls, MeshControlServer s) {
        AgentChannel c = MeshControl.connect(tls, LOOPBACK, s.port(), TIMEOUT);
        open.add(c);
        return c;
    }

    @Test
    void aNodeOfTheClusterReadsAnotherNodeAndCannotChangeIt() throws Exception {
        MeshControlServer s = serve(ca.issue(Identity.node(SERVER), NOW));
        try (AgentClient client = new AgentClient(connect(ca.issue(Identity.node(CLIENT), NOW).sslContext(), s))) {
            assertThat(client.status().identity()).isEqualTo(SERVER.toString());
            assertThat(client.routes().routes()).isEmpty();
            assertThatThrownBy(() -> client.decide(CLIENT, true)).isInstanceOf(KubermeshException.class)
                    .hasMessageContaining("'approve' is not answered over the mesh");
            assertThatThrownBy(() -> client.rollRoutingKey("none")).hasMessageContaining("'routing-key' is not answered over the mesh");
            assertThatThrownBy(() -> client.request("relay ::1 status")).hasMessageContaining("'relay' is not answered over the mesh");
        }
        assertThat(s.describe()).contains("1 answered, 0 refused");
    }

    @Test
    void aClientWithoutANodeCertificateOfTheClusterGetsNoAnswer() throws Exception {
        MeshControlServer s = serve(ca.issue(Identity.node(SERVER), NOW));
        // another cluster's node, no certificate at all, and the cluster's etcd member certificate
        List<SSLContext> strangers = List.of(otherCa.issue(Identity.node(CLIENT), NOW).sslContext(),
                trustOnly(ca.issue(Identity.node(CLIENT), NOW)), ca.issue(Identity.member("m1", List.of()), NOW).sslContext());
        for (SSLContext stranger : strangers) {
            assertThatThrownBy(() -> {
                // TLS 1.3 finishes the client's handshake before the server has judged its certificate: the refusal
                // comes at the first read, as a TLS alert or a closed connection, never as an answer.
                try (AgentChannel c = MeshControl.connect(stranger, LOOPBACK, s.port(), TIMEOUT)) {
                    MeshControl.ask(c, "status");
                }
            }).isInstanceOf(KubermeshException.class);
        }
        awaitDescribed(s, "0 answered, 3 refused");
        assertThat(s.describe()).contains("certificate 'member:m1' is not a node's");
    }

    @Test
    void aServerWithoutANodeCertificateOfTheClusterIsRefusedByTheClient() throws Exception {
        NodeCredentials client = ca.issue(Identity.node(CLIENT), NOW);
        // the cluster's etcd member certificate is not a node's
        MeshControlServer member = serve(ca.issue(Identity.member("m1", List.of()), NOW));
        assertThatThrownBy(() -> connect(client.sslContext(), member)).isInstanceOf(KubermeshException.class)
                .hasMessageContaining("presented 'member:m1', not a node certificate");
        // a server of another cluster
        MeshControlServer foreign = serve(otherCa.issue(Identity.node(SERVER), NOW));
        assertThatThrownBy(() -> connect(client.sslContext(), foreign)).isInstanceOf(KubermeshException.class)
                .hasMessageContaining("refused this node's TLS");
    }

    @Test
    void aClientThatStallsIsClosedAndDoesNotKeepOthersOut() throws Exception {
        MeshControlServer s = serve(ca.issue(Identity.node(SERVER), NOW));
        SSLContext node = ca.issue(Identity.node(CLIENT), NOW).sslContext();
        List<Socket> stalled = new ArrayList<>();
        for (int i = 0; i < MeshControlServer.CONNECTIONS; i++) {
            Socket raw = new Socket(InetAddress.getByName("::1"), s.port());
            raw.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
            stalled.add(raw);
            open.add(raw);
        }
        // every slot is held by a client that sends nothing: one more is closed at once, with no answer
        assertThatThrownBy(() -> {
            try (AgentChannel c = MeshControl.connect(node, LOOPBACK, s.port(), TIMEOUT)) {
                MeshControl.ask(c, "status");
            }
        }).isInstanceOf(KubermeshException.class);
        // the stalled ones are closed when their handshake time is up (read ends), and the slots are free again
        for (Socket raw : stalled) {
            InputStream in = raw.getInputStream();
            // at most a TLS alert record, then the end of the stream (a read time-out here would fail the test)
            assertThat(in.readAllBytes().length).as("what a stalled client gets before its connection is closed").isLessThan(64);
        }
        try (AgentClient client = new AgentClient(retrying(node, s))) {
            assertThat(client.status().name()).isEqualTo("server");
        }
        // one turned away while the slots were full, and the sixteen whose handshake never came
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) refused").matcher(s.describe());
        assertThat(m.find()).isTrue();
        assertThat(Integer.parseInt(m.group(1))).isGreaterThanOrEqualTo(MeshControlServer.CONNECTIONS + 1);
        assertThat(s.describe()).contains("TLS handshake");
    }

    /** The server counts a refusal after the client has seen it: waits up to 10 s for {@code text} in its description. */
    private static void awaitDescribed(MeshControlServer s, String text) throws InterruptedException {
        for (int i = 0; i < 100 && !s.describe().contains(text); i++) {
            Thread.sleep(100);
        }
        assertThat(s.describe()).contains(text);
    }

    /** The slots come free as the server's sessions end, just after the clients saw their connections close. */
    private AgentChannel retrying(SSLContext tls, MeshControlServer s) throws InterruptedException {
        KubermeshException last = null;
        for (int i = 0; i < 50; i++) {
            try {
                AgentChannel c = connect(tls, s);
                MeshControl.ask(c, "echo ready");
                return c;
            } catch (KubermeshException e) {
                last = e;
                Thread.sleep(100);
            }
        }
        throw last;
    }

    /** A TLS context that trusts the cluster CA and presents no certificate. */
    private static SSLContext trustOnly(NodeCredentials of) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, new char[0]);
        trust.setCertificateEntry("ca", of.ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
