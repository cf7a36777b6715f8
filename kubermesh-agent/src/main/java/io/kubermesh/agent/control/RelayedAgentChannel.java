package io.kubermesh.agent.control;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.spi.AgentChannel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * An {@link AgentChannel} to the agent at a host address, through another agent's channel: each
 * request line {@code R} written to it goes out as {@code relay HOST R}, so the agent at the other
 * end asks {@code HOST}'s agent over the mesh ({@link MeshControl}) and answers with what it said.
 * How a substrate reaches agents it has no channel of its own to (a netbooted bare-metal machine,
 * through the gateway's agent). Answers come back unchanged.
 */
public final class RelayedAgentChannel implements AgentChannel {
    private final AgentChannel via;
    private final byte[] prefix;
    private final OutputStream out;

    public RelayedAgentChannel(AgentChannel via, Ipv6Address host) {
        this.via = via;
        this.prefix = ("relay " + host + " ").getBytes(StandardCharsets.US_ASCII);
        this.out = new LineRewriter();
    }

    @Override
    public InputStream input() {
        return via.input();
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void close() {
        via.close();
    }

    /**
     * Holds each line until its LF, then writes it with the relay prefix. A line that would make the
     * relayed request longer than the protocol's limit fails, and is dropped up to its LF, so the
     * next line goes out whole.
     */
    private final class LineRewriter extends OutputStream {
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private boolean dropping;

        @Override
        public void write(int b) throws IOException {
            if (b == '\n') {
                if (!dropping) {
                    OutputStream o = via.output();
                    o.write(prefix);
                    line.writeTo(o);
                    o.write('\n');
                }
                dropping = false;
                line.reset();
                return;
            }
            if (dropping) {
                return;
            }
            if (line.size() + prefix.length >= AgentControl.MAX_LINE) {
                dropping = true;
                line.reset();
                throw new IOException("a relayed request is at most " + (AgentControl.MAX_LINE - prefix.length) + " bytes");
            }
            line.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int i = off; i < off + len; i++) {
                write(b[i]);
            }
        }

        @Override
        public void flush() throws IOException {
            via.output().flush();
        }
    }
}
