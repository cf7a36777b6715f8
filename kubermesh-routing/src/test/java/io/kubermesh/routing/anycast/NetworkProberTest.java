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

    /**
     * A server that answers after 1.5 s: a service checked every second fails (the prober's 1 s),
     * one checked every 3 s passes (its check may take its interval).
     */
    @Test
    void aCheckMayTakeItsIntervalWhenThatIsLongerThanTheTimeout() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(LOOPBACK, 0), 5);
        server.createContext("/slow", x -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            x.sendResponseHeaders(204, -1);
            x.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        try (NetworkProber p = new NetworkProber(LOOPBACK, Duration.ofSeconds(1), Optional.empty())) {
            int port = server.getAddress().getPort();
            HealthCheck slow = new HealthCheck.Http("/slow");
            AnycastService everySecond = new AnycastService("svc", Optional.empty(), port, slow, Duration.ofSeconds(1), 1, 1);
            AnycastService everyThree = new AnycastService("svc", Optional.empty(), port, slow, Duration.ofSeconds(3), 1, 1);
            assertThat(p.timeoutMillis(everySecond)).isEqualTo(1000);
            assertThat(p.timeoutMillis(everyThree)).isEqualTo(3000);
            assertThat(p.check(everySecond)).isFalse();
            assertThat(p.lastFailure("svc")).get().asString().contains("timed out");
            assertThat(p.check(everyThree)).isTrue();
        } finally {
            server.stop(0);
        }
    }
}
