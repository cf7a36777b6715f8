package io.kubermesh.routing.daemon.bird;

import io.kubermesh.routing.daemon.RoutingDaemonException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A short-lived connection to BIRD's control socket: reads the greeting (code 0001), sends one
 * command per call and decodes the reply. Transport only; {@link BirdReply} is the codec.
 */
public final class BirdControl implements AutoCloseable {
    /** Longest reply line accepted; BIRD's own lines are far shorter. */
    private static final int MAX_LINE = 64 * 1024;

    private final SocketChannel channel;
    private final ByteBuffer in = ByteBuffer.allocate(16 * 1024);
    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private BirdControl(SocketChannel channel) {
        this.channel = channel;
        in.flip();
    }

    /** Connects and reads the greeting. */
    public static BirdControl connect(Path socket) {
        SocketChannel ch = null;
        try {
            ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
            BirdControl c = new BirdControl(ch);
            BirdReply hello = c.read();
            if (hello.code() != 1) {
                throw new RoutingDaemonException("BIRD at " + socket + " greeted with code " + hello.code());
            }
            return c;
        } catch (IOException e) {
            closeQuietly(ch);
            throw new RoutingDaemonException("cannot talk to BIRD at " + socket + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(ch);
            throw e;
        }
    }

    /** Sends {@code command} and returns its reply; error replies (8xxx, 9xxx) are exceptions. */
    public BirdReply command(String command) {
        if (command.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a BIRD command is one line");
        }
        try {
            ByteBuffer out = ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII));
            while (out.hasRemaining()) {
                channel.write(out);
            }
            BirdReply reply = read();
            if (reply.isError()) {
                throw new RoutingDaemonException("BIRD said " + reply.code() + " to '" + command + "': "
                        + reply.lines().get(reply.lines().size() - 1).text());
            }
            return reply;
        } catch (IOException e) {
            throw new RoutingDaemonException("BIRD control socket failed on '" + command + "': " + e.getMessage(), e);
        }
    }

    private BirdReply read() throws IOException {
        BirdReply.Decoder decoder = new BirdReply.Decoder();
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    BirdReply r = decoder.offer(line.toString(StandardCharsets.UTF_8));
                    line.reset();
                    if (r != null) {
                        return r;
                    }
                } else if (line.size() < MAX_LINE) {
                    line.write(b);
                } else {
                    throw new IOException("a reply line longer than " + MAX_LINE + " bytes");
                }
            }
            in.clear();
            int n = channel.read(in);
            in.flip();
            if (n < 0) {
                throw new IOException("BIRD closed the control socket in the middle of a reply");
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException e) {
                // closing a socket whose peer is gone: nothing to do
            }
        }
    }
}
