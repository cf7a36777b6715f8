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
        return serve(as, mac -> false);
    }

    /** A server whose routes answer is far longer than a request may be (600 routes, about 50 KB). */
    private MeshControlServer serve(NodeCredentials as, java.util.function.Predicate<MacAddress> denied) throws Exception {
        List<ControlAnswers.InstalledRoute> routes = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            routes.add(new ControlAnswers.InstalledRoute("2001:db8::" + Integer.toHexString(i) + "/128",
                    List.of(new ControlAnswers.Hop("cluster0", "fe80::1"))));
        }
        AgentControl control = AgentControl.of(
                () -> new NodeStatus("server", "running", SERVER.toString(), "::1", "2001:db8::/119", "2001:db8::100/120",
                        "kmstub0", List.of(), List.of(), "t0", "t1", null, null),
                () -> new ControlAnswers.Routes(routes), () -> new ControlAnswers.Neighbours(List.of()),
                a -> new ControlAnswers.Probes(List.of()));
        MeshControlServer s = MeshControlServer.start(as.sslContext(), InetAddress.getByName("::1"), 0, control, denied);
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
            assertThat(client.routes().routes()).hasSize(600);
            assertThatThrownBy(() -> client.decide(CLIENT, true)).isInstanceOf(KubermeshException.class)
                    .hasMessageContaining("'approve' is not answered over the mesh");
            assertThatThrownBy(() -> client.rollRoutingKey("none")).hasMessageContaining("'routing-key' is not answered over the mesh");
            assertThatThrownBy(() -> client.request("relay ::1 status")).hasMessageContaining("'relay' is not answered over the mesh");
        }
        assertThat(s.describe()).contains("1 answered, 0 refused");
    }

    @Test
    void onlyTheOperatorsCertificateOfTheClusterTakesAPortDown() throws Exception {
        List<String> changed = new java.util.concurrent.CopyOnWriteArrayList<>();
        AgentControl control = new AgentControl(new AgentControl.Node() {
            @Override
            public NodeStatus status() {
                return new NodeStatus("server", "running", SERVER.toString(), "::1", "2001:db8::/119", "2001:db8::100/120",
                        "kmstub0", List.of(), List.of(), "t0", "t1", null, null);
            }

            @Override
            public ControlAnswers.Routes routes() {
                return new ControlAnswers.Routes(List.of());
            }

            @Override
            public ControlAnswers.Neighbours neighbours() {
                return new ControlAnswers.Neighbours(List.of());
            }

            @Override
            public ControlAnswers.Probes probe(List<Ipv6Address> addresses) {
                return new ControlAnswers.Probes(List.of());
            }

            @Override
            public ControlAnswers.Port setPort(int index, boolean up) {
                changed.add(index + (up ? " up" : " down"));
                return new ControlAnswers.Port(index, "cluster" + index, up);
            }
        });
        MeshControlServer s = MeshControlServer.start(ca.issue(Identity.node(SERVER), NOW).sslContext(), InetAddress.getByName("::1"), 0,
                control, mac -> false);
        open.add(s);
        try (AgentClient node = new AgentClient(connect(ca.issue(Identity.node(CLIENT), NOW).sslContext(), s))) {
            assertThatThrownBy(() -> node.setPort(1, false)).isInstanceOf(KubermeshException.class)
                    .hasMessageContaining("'port' is not answered over the mesh to a node's certificate");
        }
        try (AgentClient operator = new AgentClient(connect(ca.issue(Identity.operator("first-machine"), NOW).sslContext(), s))) {
            assertThat(operator.status().identity()).isEqualTo(SERVER.toString());
            assertThat(operator.setPort(1, false)).isEqualTo(new ControlAnswers.Port(1, "cluster1", false));
            assertThat(operator.setPort(1, true).up()).isTrue();
            assertThatThrownBy(() -> operator.decide(CLIENT, true)).hasMessageContaining("'approve' is not answered over the mesh");
        }
        // another cluster's operator certificate, presented by a client that trusts this cluster's CA (so the
        // server's certificate passes and the server judges the client's): refused, nothing changed
        NodeCredentials foreign = otherCa.issue(Identity.operator("first-machine"), NOW);
        assertThatThrownBy(() -> {
            try (AgentChannel c = MeshControl.connect(presenting(foreign, ca), LOOPBACK, s.port(), TIMEOUT)) {
                MeshControl.ask(c, "port 1 down");
            }
        }).isInstanceOf(KubermeshException.class);
        // and an expired operator certificate of this cluster
        NodeCredentials expired = ca.issue(Identity.operator("first-machine"), NOW.minus(Duration.ofHours(3)), Duration.ofHours(1));
        assertThatThrownBy(() -> {
            try (AgentChannel c = MeshControl.connect(expired.sslContext(), LOOPBACK, s.port(), TIMEOUT)) {
                MeshControl.ask(c, "port 1 down");
            }
        }).isInstanceOf(KubermeshException.class);
        assertThat(changed).containsExactly("1 down", "1 up");
        awaitDescribed(s, "2 answered, 2 refused");
    }

    @Test
    void aRelayTakesAnAnswerLongerThanARequestWhole() throws Exception {
        MeshControlServer s = serve(ca.issue(Identity.node(SERVER), NOW));
        AgentChannel c = connect(ca.issue(Identity.node(CLIENT), NOW).sslContext(), s);
        String routes = MeshControl.ask(c, "routes");
        assertThat(routes.length()).isGreaterThan(AgentControl.MAX_LINE * 4);
        assertThat(routes).startsWith("{\"routes\":[").endsWith("]}").contains("2001:db8::257/128");
        assertThat(MeshControl.ask(c, "echo after")).isEqualTo("{\"echo\":\"after\"}");
    }

    @Test
    void aRelayKeepsOneConnectionPerNodeWhileFreshAndAsksAgainOnANewOneWhenTheFarEndClosedIt() throws Exception {
        NodeCredentials server = ca.issue(Identity.node(SERVER), NOW);
        MeshControlServer s = serve(server);
        SSLContext client = ca.issue(Identity.node(CLIENT), NOW).sslContext();
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong();
        java.util.Set<MacAddress> denied = java.util.concurrent.ConcurrentHashMap.newKeySet();
        MeshRelay relay = new MeshRelay(() -> client, s.port(), TIMEOUT, denied::contains, now::get);
        open.add(relay);
        assertThat(relay.ask(LOOPBACK, "echo one")).isEqualTo("{\"echo\":\"one\"}");
        assertThat(relay.ask(LOOPBACK, "status")).contains(SERVER.toString());
        assertThat(relay.ask(LOOPBACK, "echo three")).isEqualTo("{\"echo\":\"three\"}");
        assertThat(relay.opened()).as("one handshake for three requests").isEqualTo(1);
        assertThat(s.describe()).contains("1 answered");

        // the far end restarts (its connections closed): the next request is asked again on a new connection
        int port = s.port();
        s.close();
        MeshControlServer again = MeshControlServer.start(server.sslContext(), InetAddress.getByName("::1"), port,
                AgentControl.of(() -> new NodeStatus("again", "running", SERVER.toString(), "::1", "2001:db8::/119", "2001:db8::100/120",
                        "kmstub0", List.of(), List.of(), "t0", "t1", null, null), () -> new ControlAnswers.Routes(List.of()),
                        () -> new ControlAnswers.Neighbours(List.of()), a -> new ControlAnswers.Probes(List.of())), mac -> false);
        open.add(again);
        assertThat(relay.ask(LOOPBACK, "status")).contains("\"again\"");
        assertThat(relay.opened()).isEqualTo(2);

        // idle for as long as it may be kept: closed, a new connection
        now.addAndGet(MeshRelay.KEEP_IDLE.toNanos());
        assertThat(relay.ask(LOOPBACK, "echo idle")).isEqualTo("{\"echo\":\"idle\"}");
        assertThat(relay.opened()).isEqualTo(3);
        // used now and then, but open for as long as it may be: closed too
        for (int i = 0; i < 21; i++) {
            now.addAndGet(MeshRelay.KEEP_LIFETIME.toNanos() / 20);
            relay.ask(LOOPBACK, "echo " + i);
        }
        assertThat(relay.opened()).isEqualTo(4);
        // its machine denied meanwhile: the open connection is not used, and a new one refuses the node
        denied.add(SERVER);
        assertThatThrownBy(() -> relay.ask(LOOPBACK, "status")).isInstanceOf(KubermeshException.class)
                .hasMessageContaining("which is denied");
        awaitDescribed(again, "4 answered");
    }

    @Test
    void aRelayWhoseNodeStopsAnsweringFailsAtTheReadTimeOutAndDoesNotAskAgain() throws Exception {
        // A node that answers its first request on a connection, then nothing.
        javax.net.ssl.SSLServerSocket server = (javax.net.ssl.SSLServerSocket) ca.issue(Identity.node(SERVER), NOW).sslContext()
                .getServerSocketFactory().createServerSocket(0, 8, InetAddress.getByName("::1"));
        open.add(server);
        java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    java.net.Socket c = server.accept();
                    accepted.incrementAndGet();
                    java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                            java.nio.charset.StandardCharsets.UTF_8));
                    in.readLine();
                    c.getOutputStream().write("{\"echo\":\"first\"}\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    c.getOutputStream().flush();
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "silent-node");
        t.setDaemon(true);
        t.start();
        MeshRelay relay = new MeshRelay(() -> {
            try {
                return ca.issue(Identity.node(CLIENT), NOW).sslContext();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, server.getLocalPort(), Duration.ofSeconds(2), mac -> false);
        open.add(relay);
        assertThat(relay.ask(LOOPBACK, "echo first")).isEqualTo("{\"echo\":\"first\"}");
        assertThatThrownBy(() -> relay.ask(LOOPBACK, "status")).isInstanceOf(MeshControl.Late.class)
                .hasMessageContaining("no answer to 'status'");
        // failed at the read time-out and not asked again on a new connection (which would wait as long again)
        assertThat(accepted.get()).isEqualTo(1);
        assertThat(relay.opened()).isEqualTo(1);
    }

    @Test
    void aDeniedMachineIsNeitherAnsweredNorBelieved() throws Exception {
        // the server refuses a client whose machine an operator denied
        MeshControlServer s = serve(ca.issue(Identity.node(SERVER), NOW), mac -> mac.equals(CLIENT));
        assertThatThrownBy(() -> {
            try (AgentChannel c = MeshControl.connect(ca.issue(Identity.node(CLIENT), NOW).sslContext(), LOOPBACK, s.port(), TIMEOUT)) {
                MeshControl.ask(c, "status");
            }
        }).isInstanceOf(KubermeshException.class);
        awaitDescribed(s, "1 refused");
        assertThat(s.describe()).contains("node 52:54:00:00:02:00 is denied");
        // and a client does not take the answer of a server whose machine is denied
        MeshControlServer other = serve(ca.issue(Identity.node(SERVER), NOW));
        assertThatThrownBy(() -> MeshControl.connect(ca.issue(Identity.node(CLIENT), NOW).sslContext(), LOOPBACK, other.port(),
                TIMEOUT, mac -> mac.equals(SERVER))).isInstanceOf(KubermeshException.class)
                .hasMessageContaining("is node 52:54:00:00:01:00, which is denied");
    }

    @Test
    void aClientWithoutANodeCertificateOfTheClusterGetsNoAnswer() throws Exception {
        MeshControlServer s = serve(ca.issue(Identity.node(SERVER), NOW));
        // another cluster's node (trusting this cluster's CA, so that the server judges it), no certificate at all,
        // and the cluster's etcd member certificate
        NodeCredentials foreign = otherCa.issue(Identity.node(CLIENT), NOW);
        List<SSLContext> strangers = List.of(presenting(foreign, ca),
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
        assertThat(s.describe()).contains("certificate 'member:m1' is neither a node's nor the operator's");
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
                .hasMessageContaining("TLS with the agent control at [::1]:");
    }

    @Test
    void aClientThatStallsOrTricklesItsHandshakeIsClosedAndOneAddressHoldsAtMostTwoHandshakes() throws Exception {
        MeshControlServer s = serve(ca.issue(Identity.node(SERVER), NOW));
        SSLContext node = ca.issue(Identity.node(CLIENT), NOW).sslContext();
        // one client sends a byte every 300 ms (each read of the server's is answered, so only the deadline can end it),
        // one sends nothing
        Socket trickling = raw(s);
        Socket silent = raw(s);
        Thread trickle = new Thread(() -> {
            try {
                for (int i = 0; i < 200; i++) {
                    trickling.getOutputStream().write(i == 0 ? 0x16 : 0x03);
                    trickling.getOutputStream().flush();
                    Thread.sleep(300);
                }
            } catch (Exception e) {
                // the server closed it: what this test waits for
            }
        }, "trickling-client");
        trickle.setDaemon(true);
        trickle.start();
        awaitDescribed(s, "0 refused");
        // a third handshake from the same address is turned away at once, with nothing read
        Socket third = raw(s);
        assertThat(third.getInputStream().readAllBytes()).isEmpty();
        awaitDescribed(s, "1 refused");
        assertThat(s.describe()).contains("2 handshakes from ::1 are under way already");
        // the two are closed when their handshake time is up: at most a TLS alert, then the end of the stream
        // (a read time-out, 30 s, would fail the test: a trickling client kept alive by its bytes)
        assertThat(silent.getInputStream().readAllBytes().length).isLessThan(64);
        assertThat(trickling.getInputStream().readAllBytes().length).isLessThan(64);
        trickle.join(10_000);
        assertThat(trickle.isAlive()).as("the trickling client's writes fail once it is closed").isFalse();
        awaitDescribed(s, "3 refused");
        // and the address may ask again
        try (AgentClient client = new AgentClient(connect(node, s))) {
            assertThat(client.status().name()).isEqualTo("server");
        }
    }

    private Socket raw(MeshControlServer s) throws Exception {
        Socket raw = new Socket(InetAddress.getByName("::1"), s.port());
        raw.setSoTimeout((int) Duration.ofSeconds(30).toMillis());
        open.add(raw);
        return raw;
    }

    /** The server counts a refusal after the client has seen it: waits up to 10 s for {@code text} in its description. */
    private static void awaitDescribed(MeshControlServer s, String text) throws InterruptedException {
        for (int i = 0; i < 100 && !s.describe().contains(text); i++) {
            Thread.sleep(100);
        }
        assertThat(s.describe()).contains(text);
    }

    /** A TLS context that trusts the cluster CA and presents no certificate. */
    /** A client that presents {@code credentials} (of whatever CA) and trusts {@code trusted}'s CA alone. */
    private static SSLContext presenting(NodeCredentials credentials, ClusterAuthority trusted) throws Exception {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, new char[0]);
        keys.setKeyEntry("me", credentials.key(), new char[0], new java.security.cert.Certificate[] {credentials.certificate()});
        javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), trusting(trusted.certificate()), null);
        return ctx;
    }

    private static SSLContext trustOnly(NodeCredentials of) throws Exception {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(null, trusting(of.ca()), null);
        return ctx;
    }

    private static javax.net.ssl.TrustManager[] trusting(java.security.cert.X509Certificate ca) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, new char[0]);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf.getTrustManagers();
    }
}
