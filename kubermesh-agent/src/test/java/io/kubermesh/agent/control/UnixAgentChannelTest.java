package io.kubermesh.agent.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    /**
     * A virtio-serial port holds what the agent writes while no host is connected and hands it to
     * the next connection. Here the "port" does exactly that with the answer to a question whose
     * asker gave up: a plain connection then reads it as the answer to its own, a skipping one
     * reads past it.
     */
    @Test
    void anAnswerAnEarlierConnectionGaveUpOnIsPassedOver() throws Exception {
        Path path = dir.resolve("port.sock");
        AgentControl agent = agent();
        String held = agent.answer("routes");
        try (ServerSocketChannel server = listen(path)) {
            CompletableFuture<Void> port = CompletableFuture.runAsync(() -> {
                for (int connection = 0; connection < 2; connection++) {
                    try (SocketChannel c = accept(server)) {
                        c.write(ByteBuffer.wrap((held + "\n").getBytes(StandardCharsets.UTF_8)));
                        ControlSession.serve(Channels.newInputStream(c), Channels.newOutputStream(c), agent);
                    } catch (IOException e) {
                        // the plain client hung up before its own answer was written: the next connection is served
                    }
                }
            });
            try (AgentClient plain = new AgentClient(UnixAgentChannel.connect(path, Duration.ofSeconds(5)))) {
                assertThat(plain.request("neighbours").has("routes")).as("without skipping, the held answer passes for this one")
                        .isTrue();
            }
            UnixAgentChannel channel = UnixAgentChannel.connectSkippingStale(path, Duration.ofSeconds(5));
            try (AgentClient skipping = new AgentClient(channel)) {
                assertThat(channel.skipped()).isEqualTo(1);
                assertThat(skipping.neighbours().ports()).extracting(ControlAnswers.PortNeighbours::interfaceName)
                        .containsExactly("cluster0");
                assertThat(skipping.routes().routes()).hasSize(1);
            }
            port.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void anAgentThatDoesNotKnowEchoIsNamedAsOlderThanThisKubermesh() throws Exception {
        Path path = dir.resolve("old.sock");
        // The agent of an older node image: the same protocol without echo.
        AgentControl agent = agent();
        try (ServerSocketChannel server = listen(path)) {
            CompletableFuture<Void> port = CompletableFuture.runAsync(() -> {
                try (SocketChannel c = accept(server)) {
                    String line = ControlSession.readLine(Channels.newInputStream(c));
                    String answer = agent.answer(line.replace("echo ", "ohce ")).replace("ohce ", "echo ");
                    c.write(ByteBuffer.wrap((answer + "\n").getBytes(StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThatThrownBy(() -> UnixAgentChannel.connectSkippingStale(path, Duration.ofSeconds(5)))
                    .isInstanceOf(SubstrateException.class).hasMessageContaining("does not know 'echo'")
                    .hasMessageContaining("build it again (kubermesh image build)");
            port.get(10, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void aPortNobodyReadsFailsTheSkippingConnectAfterTheTimeout() throws Exception {
        Path path = dir.resolve("firmware.sock");
        try (ServerSocketChannel server = listen(path)) {
            CompletableFuture<SocketChannel> accepted = CompletableFuture.supplyAsync(() -> accept(server));
            try {
                assertThatThrownBy(() -> UnixAgentChannel.connectSkippingStale(path, Duration.ofMillis(300)))
                        .isInstanceOf(SubstrateException.class).hasMessageContaining("no agent answers at " + path)
                        .hasMessageContaining("nothing read from the agent in 300 ms");
            } finally {
                accepted.get().close();
            }
        }
    }

    private static AgentControl agent() {
        return AgentControl.of(() -> {
            throw new IllegalStateException("not asked");
        }, () -> new ControlAnswers.Routes(List.of(new ControlAnswers.InstalledRoute("2001:db8::2/128",
                List.of(new ControlAnswers.Hop("cluster0", "fe80::1"))))),
                () -> new ControlAnswers.Neighbours(List.of(new ControlAnswers.PortNeighbours(0, "cluster0", "fe80::2", List.of()))),
                a -> new ControlAnswers.Probes(List.of()));
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
