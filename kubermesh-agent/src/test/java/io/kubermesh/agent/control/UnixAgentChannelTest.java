package io.kubermesh.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timed channel as the host end of a VM's virtio-serial port behaves: the socket accepts
 * whether or not anything reads the other end.
 */
class UnixAgentChannelTest {
    @TempDir
    Path dir;

    @Test
    void aListenerThatNeverAnswersFailsTheQuestionAfterTheTimeoutInsteadOfHanging() throws Exception {
        Path path = dir.resolve("agent.sock");
        try (ServerSocketChannel server = listen(path)) {
            CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> accept(server));
            try (AgentClient client = new AgentClient(UnixAgentChannel.connect(path, Duration.ofMillis(300)))) {
                assertThatThrownBy(client::status).isInstanceOf(KubermeshException.class)
                        .hasMessageContaining("talking to the agent ('status')").hasMessageContaining("nothing read from the agent");
            } finally {
                accepted.get().close();
            }
        }
    }

    @Test
    void anAnswerWithinTheTimeoutIsRead() throws Exception {
        Path path = dir.resolve("agent.sock");
        try (ServerSocketChannel server = listen(path)) {
            CompletableFuture<String> request = CompletableFuture.supplyAsync(() -> {
                try (SocketChannel c = accept(server)) {
                    ByteBuffer in = ByteBuffer.allocate(256);
                    StringBuilder line = new StringBuilder();
                    while (line.indexOf("\n") < 0 && c.read(in) > 0) {
                        in.flip();
                        line.append(StandardCharsets.UTF_8.decode(in));
                        in.clear();
                    }
                    Thread.sleep(100);
                    c.write(ByteBuffer.wrap("{\"answer\":42}\n".getBytes(StandardCharsets.UTF_8)));
                    return line.toString();
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            try (AgentClient client = new AgentClient(UnixAgentChannel.connect(path, Duration.ofSeconds(5)))) {
                assertThat(client.request("routes").get("answer").asInt()).isEqualTo(42);
            }
            assertThat(request.get()).isEqualTo("routes\n");
        }
    }

    @Test
    void nothingListeningIsASubstrateErrorNamingThePath() {
        Path path = dir.resolve("none.sock");
        assertThatThrownBy(() -> UnixAgentChannel.connect(path, Duration.ofSeconds(1))).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("no agent answers at " + path);
        assertThat(Files.exists(path)).isFalse();
    }

    private static ServerSocketChannel listen(Path path) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path));
        return server;
    }

    private static SocketChannel accept(ServerSocketChannel server) {
        try {
            return server.accept();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
