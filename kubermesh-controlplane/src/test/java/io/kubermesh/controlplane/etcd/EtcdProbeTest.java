package io.kubermesh.controlplane.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The probe against a stand-in for etcd's {@code /version} (the JDK's HTTP server) that answers
 * only after 1.5 s, as a member on a busy machine does: the ordinary probe (1 s) says it does not
 * answer, the patient one used before removing a member says it does.
 */
class EtcdProbeTest {
    private HttpServer server;
    private URI url;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/version", exchange -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            byte[] body = "{\"etcdserver\":\"3.4.23\",\"etcdcluster\":\"3.4.0\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void aSlowMemberAnswersThePatientProbeOnly() {
        assertThat(EtcdProbe.plain().answers(url)).as("the 1 s probe").isFalse();
        assertThat(EtcdProbe.plain().answers(url, Duration.ofSeconds(5))).as("the patient probe").isTrue();
    }

    @Test
    void nobodyListeningIsNoAnswerHoweverPatient() throws Exception {
        server.stop(0);
        assertThat(EtcdProbe.plain().answers(url, Duration.ofSeconds(5))).isFalse();
    }
}
