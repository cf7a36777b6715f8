package io.kubermesh.image.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node setup's phone-home against a real HTTP server on loopback: a neighbour whose machine
 * directory cannot answer yet (503) is asked again until it takes the state; a refusal is final.
 */
class PhoneHomeRetryTest {
    private HttpServer server;
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final List<String> said = new ArrayList<>();

    /** Answers the first {@code unavailable} requests with {@code status}, the rest with 200. */
    private String serve(int unavailable, int status) throws IOException {
        AtomicInteger requests = new AtomicInteger();
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/machines/m/phone-home", ex -> {
            bodies.add(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean refuse = requests.incrementAndGet() <= unavailable;
            byte[] body = (refuse ? "refused: the machine directory did not answer" : "{\"state\" : \"installed\"}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(refuse ? status : 200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/machines/m/phone-home";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void aNeighbourThatCannotAnswerYetIsAskedAgainUntilItTakesTheState() throws Exception {
        String url = serve(2, 503);
        String answer = NodeSetup.postUntilAnswered(new NodeSystem(), url, "{\"state\":\"installed\"}", Duration.ofMinutes(1),
                said::add);
        assertThat(answer).contains("\"installed\"");
        assertThat(bodies).hasSize(3).containsOnly("{\"state\":\"installed\"}");
        // The same reason twice is said once; then which try got through.
        assertThat(said).containsExactly("asking again every second: POST " + url
                + ": HTTP 503: refused: the machine directory did not answer", "POST " + url + " answered at try 3");
    }

    @Test
    void aRefusalIsFinal() throws Exception {
        String url = serve(10, 403);
        assertThatThrownBy(() -> NodeSetup.postUntilAnswered(new NodeSystem(), url, "{}", Duration.ofMinutes(1), said::add))
                .isInstanceOf(IOException.class).hasMessage("POST " + url + ": HTTP 403: refused: the machine directory did not answer");
        assertThat(bodies).hasSize(1);
        assertThat(said).isEmpty();
    }

    @Test
    void aNeighbourThatNeverAnswersFailsAfterTheTimeWithTheLastReason() throws Exception {
        String url = serve(Integer.MAX_VALUE, 503);
        assertThatThrownBy(() -> NodeSetup.postUntilAnswered(new NodeSystem(), url, "{}", Duration.ofSeconds(2), said::add))
                .isInstanceOf(IOException.class).hasMessageStartingWith("POST " + url + ": no answer in 2 s: POST " + url + ": HTTP 503");
        assertThat(bodies.size()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void noServerIsAskedAgainToo() throws Exception {
        String url = serve(0, 200);
        server.stop(0);
        server = null;
        assertThatThrownBy(() -> NodeSetup.postUntilAnswered(new NodeSystem(), url, "{}", Duration.ofSeconds(1), said::add))
                .isInstanceOf(IOException.class).hasMessageStartingWith("POST " + url + ": no answer in 1 s");
        assertThat(said).hasSize(1).allMatch(l -> l.startsWith("asking again every second: "));
    }
}
