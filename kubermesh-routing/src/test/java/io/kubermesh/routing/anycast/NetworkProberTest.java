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

    private static AnycastService http(String name, int port, Duration interval) {
        return new AnycastService(name, Optional.empty(), port, new HealthCheck.Http("/"), interval, 1, 1);
    }

    /**
     * A loopback HTTP/1.1 server that answers every request on a connection with {@code answer},
     * counting the connections it accepted; {@link #dropAll} closes the open ones (an idle limit).
     */
    private static final class KeepAliveServer implements AutoCloseable {
        final ServerSocket server = new ServerSocket(0, 5, LOOPBACK);
        final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
        final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        final List<java.net.Socket> open = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile String answer;
        volatile boolean closed;

        KeepAliveServer(String answer) throws IOException {
            this.answer = answer;
            Thread t = new Thread(this::accept, "keepalive-server");
            t.setDaemon(true);
            t.start();
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    java.net.Socket c = server.accept();
                    accepted.incrementAndGet();
                    open.add(c);
                    Thread t = new Thread(() -> serve(c), "keepalive-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(java.net.Socket c) {
            try (c) {
                var in = new java.io.BufferedReader(new java.io.InputStreamReader(c.getInputStream(),
                        java.nio.charset.StandardCharsets.US_ASCII));
                while (true) {
                    String line = in.readLine();
                    if (line == null) {
                        return;
                    }
                    while (line != null && !line.isEmpty()) {
                        line = in.readLine();
                    }
                    if (closed) {
                        // closed meanwhile: a request that raced the socket's close gets no answer
                        return;
                    }
                    requests.incrementAndGet();
                    c.getOutputStream().write(answer.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                    c.getOutputStream().flush();
                    if (answer.contains("Connection: close")) {
                        return;
                    }
                }
            } catch (IOException e) {
                // the client or dropAll closed it
            }
        }

        void dropAll() throws IOException {
            for (java.net.Socket c : open) {
                c.close();
            }
            open.clear();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            server.close();
            dropAll();
        }
    }

    @Test
    void anHttpCheckKeepsItsConnectionAndOpensANewOneWhenTheServerClosedIt() throws Exception {
        try (KeepAliveServer server = new KeepAliveServer("HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"health\":\"true\"}");
             NetworkProber p = new NetworkProber(LOOPBACK, Duration.ofSeconds(2), Optional.empty())) {
            AnycastService s = service(server.port(), new HealthCheck.Http("/health"));
            for (int i = 0; i < 5; i++) {
                assertThat(p.check(s)).as("check " + i).isTrue();
            }
            assertThat(server.requests.get()).isEqualTo(5);
            assertThat(server.accepted.get()).as("five checks, one connection").isEqualTo(1);
            assertThat(p.connectionsOpened()).isEqualTo(1);
            // the server drops its idle connections: the next check passes on a new one
            server.dropAll();
            assertThat(p.check(s)).isTrue();
            assertThat(server.accepted.get()).isEqualTo(2);
            // it turns sick: the kept connection carries the failure
            server.answer = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n";
            assertThat(p.check(s)).isFalse();
            assertThat(p.lastFailure("svc")).get().asString().contains("answered HTTP/1.1 503 Service Unavailable");
            assertThat(server.accepted.get()).isEqualTo(2);
            // and gone: no server, no pass
            server.close();
            assertThat(p.check(s)).isFalse();
            assertThat(p.lastFailure("svc")).get().asString().startsWith("no server at [");
        }
    }

    @Test
    void chunkedAnswersKeepTheConnectionAndClosingOrUnsizedOnesDoNot() throws Exception {
        try (KeepAliveServer chunked = new KeepAliveServer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;x=y\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n");
             KeepAliveServer closing = new KeepAliveServer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
             KeepAliveServer old = new KeepAliveServer("HTTP/1.0 204 No Content\r\n\r\n");
             NetworkProber p = new NetworkProber(LOOPBACK, Duration.ofSeconds(2), Optional.empty())) {
            for (int i = 0; i < 3; i++) {
                assertThat(p.check(http("a", chunked.port(), Duration.ofSeconds(1)))).isTrue();
                assertThat(p.check(http("b", closing.port(), Duration.ofSeconds(1)))).isTrue();
                assertThat(p.check(http("c", old.port(), Duration.ofSeconds(1)))).isTrue();
            }
            assertThat(chunked.accepted.get()).as("chunked: kept").isEqualTo(1);
            assertThat(chunked.requests.get()).isEqualTo(3);
            assertThat(closing.accepted.get()).as("Connection: close: a new one each time").isEqualTo(3);
            assertThat(old.accepted.get()).as("HTTP/1.0: a new one each time").isEqualTo(3);
        }
    }

    @Test
    void aKeptConnectionThatStopsAnsweringFailsAtTheTimeOutAndIsDropped() throws Exception {
        try (KeepAliveServer server = new KeepAliveServer("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
             NetworkProber p = new NetworkProber(LOOPBACK, Duration.ofMillis(300), Optional.empty())) {
            AnycastService s = http("svc", server.port(), Duration.ofMillis(300));
            assertThat(p.check(s)).isTrue();
            // a head that never ends: the check fails at its time-out, not asked again on a new connection
            server.answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n";
            assertThat(p.check(s)).isFalse();
            assertThat(p.lastFailure("svc")).get().asString().contains("within 300 ms");
            assertThat(server.accepted.get()).isEqualTo(1);
            server.answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
            assertThat(p.check(s)).as("on a new connection").isTrue();
            assertThat(server.accepted.get()).isEqualTo(2);
        }
    }
}
