package io.kubermesh.agent.control;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.spi.AgentChannel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * An {@link AgentChannel} over a Unix socket: the agent's own {@code agent.sock} in its state
 * directory, or the host end of a VM's virtio-serial port that libvirt exposes as a Unix socket.
 */
public final class UnixAgentChannel implements AgentChannel {
    private final SocketChannel socket;
    private final InputStream in;
    private final OutputStream out;

    private UnixAgentChannel(SocketChannel socket) {
        this.socket = socket;
        this.in = new BufferedInputStream(Channels.newInputStream(socket));
        this.out = new BufferedOutputStream(Channels.newOutputStream(socket));
    }

    /**
     * Connects to the socket at {@code path}.
     *
     * @throws SubstrateException when nothing listens there
     */
    public static UnixAgentChannel connect(Path path) {
        try {
            return new UnixAgentChannel(SocketChannel.open(UnixDomainSocketAddress.of(path)));
        } catch (IOException e) {
            throw new SubstrateException("no agent answers at " + path + " (" + e.getMessage() + ")", e);
        }
    }

    @Override
    public InputStream input() {
        return in;
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing a socket that failed: nothing left to release
        }
    }
}
