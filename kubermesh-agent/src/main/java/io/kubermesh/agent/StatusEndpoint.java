package io.kubermesh.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.KubermeshException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local status endpoint: a Unix socket ({@code agent.sock} in the state directory)
 * that answers every connection with the status as one JSON document and closes. A Unix socket
 * lives in the file system, not in a network namespace, so the CLI reaches agents in any lab
 * machine without routes; file permissions (0600, root) keep it local.
 */
public final class StatusEndpoint implements AutoCloseable {
    public static final String SOCKET = "agent.sock";
    private static final Logger LOG = LoggerFactory.getLogger(StatusEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path path;
    private final ServerSocketChannel server;
    private final Thread thread;

    public StatusEndpoint(Path stateDirectory, Supplier<NodeStatus> status) {
        this.path = stateDirectory.resolve(SOCKET);
        try {
            Files.deleteIfExists(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new KubermeshException("cannot open the status socket " + path + ": " + e.getMessage(), e);
        }
        thread = new Thread(() -> serve(status), "status-endpoint");
        thread.setDaemon(true);
        thread.start();
    }

    private void serve(Supplier<NodeStatus> status) {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                ByteBuffer out = ByteBuffer.wrap(JSON.writeValueAsBytes(status.get()));
                while (out.hasRemaining()) {
                    client.write(out);
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.warn("status request failed: {}", e.toString());
            }
        }
    }

    /** Reads the status of the agent whose state directory is {@code stateDirectory}. */
    public static NodeStatus read(Path stateDirectory) {
        Path p = stateDirectory.resolve(SOCKET);
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(p))) {
            return JSON.readValue(java.nio.channels.Channels.newInputStream(ch), NodeStatus.class);
        } catch (IOException e) {
            throw new KubermeshException("no agent answers at " + p + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("closing status socket: {}", e.toString());
        }
    }
}
