package io.kubermesh.routing.anycast;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.kubermesh.api.AnycastService;
import io.kubermesh.api.HealthCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The real checks against loopback servers on ephemeral ports. */
class NetworkProberTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static AnycastService service(int port, HealthCheck check) {
        return new AnycastService("svc", Optional.empty(), port, check, Duration.ofSeconds(1), 1, 1);
    }

    @Test
    void tcpPassesWhileSomethingListensAndFailsAfter() throws IOException {
        try (NetworkProber p = new NetworkProber(LOOPBACK, Duration.ofSeconds(2), Optional.empty())) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 5, LOOPBACK)) {
                port = s.getLocalPort();
                assertThat(p.check(service(port, new HealthCheck.Tcp()))).isTrue();
            }
            assertThat(p.check(service(port, new HealthCheck.Tcp()))).isFalse();
        }
    }

    @Test
    void httpNeedsA2xxStatus() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 5);
        server.createContext("/health", x -> {
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.createContext("/sick", x -> {
            x.sendResponseHeaders(503, -1);
            x.close();
        });
        server.start();
        try (NetworkProber p = new NetworkProber(LOOPBACK, Duration.ofSeconds(2), Optional.empty())) {
            int port = server.getAddress().getPort();
            assertThat(p.check(service(port, new HealthCheck.Http("/health")))).isTrue();
            assertThat(p.check(service(port, new HealthCheck.Http("/sick")))).isFalse();
            assertThat(p.check(service(port, new HealthCheck.Http("/absent")))).isFalse();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void commandNeedsExitZero() {
        try (NetworkProber p = new NetworkProber(LOOPBACK, Duration.ofSeconds(5), Optional.empty())) {
            assertThat(p.check(service(1, new HealthCheck.Command(List.of("true"))))).isTrue();
            assertThat(p.check(service(1, new HealthCheck.Command(List.of("false"))))).isFalse();
            assertThat(p.check(service(1, new HealthCheck.Command(List.of("/nonexistent/kubermesh-check"))))).isFalse();
        }
    }
}
