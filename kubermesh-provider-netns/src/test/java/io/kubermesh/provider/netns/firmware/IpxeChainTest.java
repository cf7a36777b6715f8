package io.kubermesh.provider.netns.firmware;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class IpxeChainTest {
    /** Answers one exchange with {@code status} and {@code body} ({@code null}: no body). */
    private static void answer(com.sun.net.httpserver.HttpExchange x, int status, String body) throws java.io.IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, body == null ? -1 : b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    @Test
    void errorsNeverShowTheBootSecret() {
        String refused = "POST http://[2001:db8::a4:a800:2:20]:8080/machines/52:54:00:00:02:00/phone-home?secret=2db4577dc3f0"
                + " : HTTP 409 refused; GET http://[::1]/ignition?mac=52:54:00:00:02:00&secret=abc&x=1";
        assertThat(IpxeChain.redact(refused)).doesNotContain("2db4577dc3f0").doesNotContain("secret=abc")
                .contains("phone-home?secret=<redacted> : HTTP 409").contains("secret=<redacted>&x=1");
        assertThat(IpxeChain.redact("no secret here")).isEqualTo("no secret here");
    }

    @Test
    void theIgnitionConfigIsAskedAgainWhileTheNodeDoesNotAnswerOrCannotDecideYet() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // nothing listens there at first: connection refused
        }
        AtomicInteger asked = new AtomicInteger();
        HttpServer server = HttpServer.create();
        server.createContext("/ignition", x -> {
            boolean first = asked.incrementAndGet() == 1;
            answer(x, first ? 503 : 200, first ? "enrolment pending" : "{\"ignition\":{}}");
        });
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(500);
                server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
                server.start();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        late.start();
        try {
            String config = new IpxeChain().getWaiting(URI.create("http://127.0.0.1:" + port + "/ignition?mac=m&secret=s"));
            assertThat(config).isEqualTo("{\"ignition\":{}}");
            assertThat(asked.get()).as("refused, then 503, then the config").isEqualTo(2);
        } finally {
            late.join();
            server.stop(0);
        }
    }

    @Test
    void anIgnitionConfigTheNodeDoesNotHaveIsNotAskedAgain() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ignition", x -> {
            asked.incrementAndGet();
            answer(x, 404, null);
        });
        server.start();
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/ignition?mac=m&secret=s");
            assertThatThrownBy(() -> new IpxeChain().getWaiting(uri)).hasMessageContaining("HTTP 404")
                    .hasMessageNotContaining("secret=s");
            assertThat(asked.get()).isEqualTo(1);
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aMachineScriptTheNodeCannotGiveNowIsAskedAgainAsBootIpxeDoes() throws Exception {
        AtomicInteger asked = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/boot.ipxe", x -> answer(x, 200, io.kubermesh.boot.http.IpxeScripts.boot()));
        server.createContext("/ipxe", x -> {
            boolean first = asked.incrementAndGet() == 1;
            answer(x, first ? 503 : 200, first ? "the machine directory did not answer"
                    : "#!ipxe\nsanboot --no-describe --drive 0x80\n");
        });
        server.start();
        try {
            URI boot = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/boot.ipxe");
            IpxeChain.Result r = new IpxeChain().run(boot, io.kubermesh.api.MacAddress.parse("52:54:00:00:03:00"), "u");
            assertThat(r.fromDisk()).isTrue();
            assertThat(asked.get()).as("503, then the script").isEqualTo(2);
        } finally {
            server.stop(0);
        }
    }
}
