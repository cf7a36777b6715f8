package io.kubermesh.provider.netns.firmware;

import io.kubermesh.api.MalformedPacketException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.boot.tftp.TftpCodec;
import io.kubermesh.boot.tftp.TftpOption;
import io.kubermesh.boot.tftp.TftpPacket;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.List;

/**
 * A TFTP read as UEFI firmware does it (RFC 1350 with blksize, RFC 2348): RRQ to port 69, the
 * server answers from a transfer port, each DATA is ACKed, a short block ends the file; an OACK is
 * acknowledged with block 0. Retransmits the last packet on timeout.
 */
public final class TftpClient {
    /**
     * Retransmission waits: a quarter second first, doubling to a second. A read request that
     * arrives before the neighbour's TFTP server listens on a port that has just come up (its
     * DHCPv6 server may answer first) is lost; a fixed one-second wait made that a second per join.
     */
    private static final long FIRST_WAIT_MS = 250;
    private static final long MAX_WAIT_MS = 1000;

    private TftpClient() {
    }

    public static byte[] read(InetSocketAddress server, String file, int blockSize, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET6); Selector selector = Selector.open()) {
            ch.bind(new InetSocketAddress("::", 0));
            ch.configureBlocking(false);
            ch.register(selector, SelectionKey.OP_READ);
            TftpPacket request = new TftpPacket.ReadRequest(file, "octet",
                    List.of(new TftpOption("blksize", Integer.toString(blockSize))));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            SocketAddress peer = server;
            byte[] last = TftpCodec.encode(request);
            int expected = 1;
            int size = 512;
            ByteBuffer buf = ByteBuffer.allocate(65_536);
            int silent = 0;
            long wait = FIRST_WAIT_MS;
            while (System.nanoTime() < deadline) {
                ch.send(ByteBuffer.wrap(last), peer);
                selector.select(wait);
                selector.selectedKeys().clear();
                buf.clear();
                SocketAddress from = ch.receive(buf);
                if (from == null) {
                    if (++silent > 10) {
                        throw new SubstrateException("TFTP " + file + " from " + server + ": no answer");
                    }
                    wait = Math.min(2 * wait, MAX_WAIT_MS);
                    continue;
                }
                silent = 0;
                wait = FIRST_WAIT_MS;
                buf.flip();
                TftpPacket in;
                try {
                    in = TftpCodec.decode(buf);
                } catch (MalformedPacketException e) {
                    continue;
                }
                peer = from;
                if (in instanceof TftpPacket.Error err) {
                    throw new SubstrateException("TFTP " + file + ": error " + err.code() + " " + err.message());
                } else if (in instanceof TftpPacket.OptionAck oack) {
                    for (TftpOption o : oack.options()) {
                        if (o.name().equalsIgnoreCase("blksize")) {
                            size = Integer.parseInt(o.value());
                        }
                    }
                    last = TftpCodec.encode(new TftpPacket.Ack(0));
                } else if (in instanceof TftpPacket.Data data) {
                    if (data.block() == (expected & 0xFFFF)) {
                        out.write(data.payload());
                        last = TftpCodec.encode(new TftpPacket.Ack(data.block()));
                        expected++;
                        if (data.payload().length < size) {
                            ch.send(ByteBuffer.wrap(last), peer);
                            return out.toByteArray();
                        }
                    }
                }
            }
            throw new SubstrateException("TFTP " + file + " from " + server + ": timed out");
        } catch (IOException e) {
            throw new SubstrateException("TFTP " + file + " from " + server + ": " + e.getMessage(), e);
        }
    }
}
