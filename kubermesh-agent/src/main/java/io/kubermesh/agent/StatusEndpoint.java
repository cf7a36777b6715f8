package io.kubermesh.agent;

import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.agent.control.AgentControl;
import io.kubermesh.agent.control.ControlSession;
import io.kubermesh.agent.control.UnixAgentChannel;
import io.kubermesh.api.KubermeshException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's local control endpoint: a Unix socket ({@code agent.sock} in the state directory)
 * that speaks the control protocol ({@link AgentControl}: a request line such as {@code status},
 * {@code routes} or {@code probe ADDR...}, one JSON line per answer, several requests per
 * connection). A Unix socket lives in the file system, not in a network namespace, so the lab
 * reaches agents in any machine without routes; file permissions (0600, root) keep it local.
 * Connections are served at once, up to {@value #CONNECTIONS} at a time.
 */
public final class StatusEndpoint implements AutoCloseable {
    public static final String SOCKET = "agent.sock";
    static final int CONNECTIONS = 16;
    private static final Logger LOG = LoggerFactory.getLogger(StatusEndpoint.class);

    private final Path path;
    private final ServerSocketChannel server;
    private final Semaphore slots = new Semaphore(CONNECTIONS);

    /** An endpoint that answers {@code status} only (every other request with an error). */
    public StatusEndpoint(Path stateDirectory, Supplier<NodeStatus> status) {
        this(stateDirectory, AgentControl.of(status, () -> {
            throw new UnsupportedOperationException("this endpoint answers status only");
        }, () -> {
            throw new UnsupportedOperationException("this endpoint answers status only");
        }, a -> {
            throw new UnsupportedOperationException("this endpoint answers status only");
        }));
    }

    public StatusEndpoint(Path stateDirectory, AgentControl control) {
        this.path = stateDirectory.resolve(SOCKET);
        try {
            Files.deleteIfExists(path);
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(path));
            Files.setPosixFilePermissions(path, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new KubermeshException("cannot open the control socket " + path + ": " + e.getMessage(), e);
        }
        Thread thread = new Thread(() -> accept(control), "control-endpoint");
        thread.setDaemon(true);
        thread.start();
    }

    private void accept(AgentControl control) {
        while (server.isOpen()) {
            try {
                slots.acquire();
                SocketChannel client = server.accept();
                Thread session = new Thread(() -> session(client, control), "control-session");
                session.setDaemon(true);
                session.start();
            } catch (ClosedChannelException e) {
                return;
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                slots.release();
                LOG.warn("control connection failed: {}", e.toString());
            }
        }
    }

    private void session(SocketChannel client, AgentControl control) {
        try (client) {
            ControlSession.serve(new BufferedInputStream(Channels.newInputStream(client)),
                    new BufferedOutputStream(Channels.newOutputStream(client)), control);
        } catch (IOException e) {
            LOG.debug("control session ended: {}", e.toString());
        } finally {
            slots.release();
        }
    }

    /** Reads the status of the agent whose state directory is {@code stateDirectory}. */
    public static NodeStatus read(Path stateDirectory) {
        try (AgentClient client = new AgentClient(UnixAgentChannel.connect(stateDirectory.resolve(SOCKET)))) {
            return client.status();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("closing control socket: {}", e.toString());
        }
    }
}
