package io.kubermesh.agent.control;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.spi.AgentChannel;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An {@link AgentChannel} over a Unix socket: the agent's own {@code agent.sock} in its state
 * directory, or the host end of a VM's virtio-serial port that libvirt exposes as a Unix socket.
 */
public final class UnixAgentChannel implements AgentChannel {
    private final SocketChannel socket;
    private final InputStream in;
    private final OutputStream out;

    private final Selector selector;
    private int skipped;

    /** Lines a connection may read past before the echo's answer (stale answers are a handful at most). */
    private static final int MAX_STALE = 1024;
    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private UnixAgentChannel(SocketChannel socket) {
        this.socket = socket;
        this.selector = null;
        this.in = new BufferedInputStream(Channels.newInputStream(socket));
        this.out = new BufferedOutputStream(Channels.newOutputStream(socket));
    }

    private UnixAgentChannel(SocketChannel socket, Duration timeout) throws IOException {
        this.socket = socket;
        this.selector = Selector.open();
        socket.configureBlocking(false);
        this.in = new BufferedInputStream(new TimedInput(timeout.toMillis()));
        this.out = new BufferedOutputStream(new TimedOutput(timeout.toMillis()));
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

    /**
     * Connects to the socket at {@code path}, where a read or write that makes no progress for
     * {@code timeout} fails: the host end of a VM's virtio-serial port accepts a connection
     * whether or not an agent reads the guest end (the VM may still be in its firmware), so only
     * a deadline tells that nobody answers.
     *
     * @throws SubstrateException when nothing listens there
     */
    public static UnixAgentChannel connect(Path path, Duration timeout) {
        SocketChannel socket = null;
        try {
            socket = SocketChannel.open(UnixDomainSocketAddress.of(path));
            return new UnixAgentChannel(socket, timeout);
        } catch (IOException e) {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // failed already; the error below says why
                }
            }
            throw new SubstrateException("no agent answers at " + path + " (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Like {@link #connect(Path, Duration)}, for a stream that outlives its connections (the host
     * end of a VM's virtio-serial port): an answer the agent wrote after an earlier connection gave
     * up waiting for it is held by the port and comes out of the next connection, where it would
     * pass for the answer to that connection's first question (and every later answer would be one
     * behind). So this sends {@code echo TOKEN} first, with a token made up for this connection,
     * and reads past every line before that token's answer; the caller then reads the answers to
     * its own questions only. {@link #skipped()} tells how many lines were passed over.
     *
     * @throws SubstrateException when nothing listens there, the token's answer does not come
     *                            within {@code timeout} of the last line, or the agent does not
     *                            know {@code echo} (its node image is older than this kubermesh)
     */
    public static UnixAgentChannel connectSkippingStale(Path path, Duration timeout) {
        UnixAgentChannel channel = connect(path, timeout);
        String token = "km-" + Long.toHexString(RANDOM.nextLong());
        try {
            channel.out.write(("echo " + token + "\n").getBytes(StandardCharsets.UTF_8));
            channel.out.flush();
            String expected = "{\"echo\":\"" + token + "\"}";
            for (int lines = 0; ; lines++) {
                String line = ControlSession.readLine(channel.in);
                if (line == null) {
                    throw new SubstrateException("the agent at " + path + " closed the connection before answering 'echo'");
                }
                if (line.equals(expected)) {
                    channel.skipped = lines;
                    return channel;
                }
                if (line.contains(token)) {
                    throw new SubstrateException("the agent at " + path + " does not know 'echo' (" + line
                            + "): its node image is older than this kubermesh; build it again (kubermesh image build)");
                }
                if (lines >= MAX_STALE) {
                    throw new SubstrateException("the agent at " + path + " sent " + MAX_STALE
                            + " lines without answering 'echo'");
                }
            }
        } catch (IOException | RuntimeException e) {
            channel.close();
            if (e instanceof SubstrateException s) {
                throw s;
            }
            throw new SubstrateException("no agent answers at " + path + " (" + e.getMessage() + ")", e);
        }
    }

    /** How many stale lines {@link #connectSkippingStale} passed over on this connection. */
    public int skipped() {
        return skipped;
    }

    /** Waits up to {@code millis} for {@code op} on the socket; fails with a time-out otherwise. */
    private void await(int op, long millis, String what) throws IOException {
        SelectionKey key = socket.register(selector, op);
        try {
            if (selector.select(millis) == 0) {
                throw new SocketTimeoutException("nothing " + what + " in " + millis + " ms");
            }
        } finally {
            key.interestOps(0);
            selector.selectedKeys().clear();
        }
    }

    private final class TimedInput extends InputStream {
        private final long millis;

        TimedInput(long millis) {
            this.millis = millis;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (true) {
                int n = socket.read(buf);
                if (n != 0) {
                    return n;
                }
                await(SelectionKey.OP_READ, millis, "read from the agent");
            }
        }
    }

    private final class TimedOutput extends OutputStream {
        private final long millis;

        TimedOutput(long millis) {
            this.millis = millis;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            ByteBuffer buf = ByteBuffer.wrap(b, off, len);
            while (buf.hasRemaining()) {
                if (socket.write(buf) == 0) {
                    await(SelectionKey.OP_WRITE, millis, "taken by the agent");
                }
            }
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
            if (selector != null) {
                selector.close();
            }
            socket.close();
        } catch (IOException e) {
            // closing a socket that failed: nothing left to release
        }
    }
}
