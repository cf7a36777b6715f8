package io.kubermesh.boot.tftp;

import io.kubermesh.api.MalformedPacketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * One read transfer on a {@link TransferLoop}: its own socket (a new transfer identifier, RFC 1350
 * section 4) connected to the client's port, non-blocking; the {@link ReadTransfer} engine decides,
 * this moves its packets. Every method runs on the loop's thread.
 */
final class TransferSession {
    private static final Logger LOG = LoggerFactory.getLogger(TransferSession.class);
    /** Room for a whole window of the largest blocks, so a burst is not dropped by the sender's own socket. */
    private static final int SEND_BUFFER = 1 << 20;

    private final TftpRoot root;
    private final TransferOptions.Limits limits;
    private final Clock clock;
    private final InetSocketAddress local;
    private final InetSocketAddress client;
    private final TftpPacket.ReadRequest request;
    private final String where;
    private final Runnable done;
    private final long started = System.nanoTime();
    private DatagramChannel channel;
    private FileChannel file;
    private long size;
    private ReadTransfer transfer;
    private boolean finished;

    /**
     * @param site the port or interface the request came in on, for the log
     * @param done runs once when the transfer ends, whatever the outcome (its slot is free again)
     */
    TransferSession(TftpRoot root, TransferOptions.Limits limits, Clock clock, InetSocketAddress local,
                    InetSocketAddress client, TftpPacket.ReadRequest request, String site, Runnable done) {
        this.root = root;
        this.limits = limits;
        this.clock = clock;
        this.local = local;
        this.client = client;
        this.request = request;
        this.done = done;
        this.where = client + " -> " + local + " (" + site + ")";
    }

    /** Opens the socket and the file and sends the first packets; registers for ACKs unless it ended already. */
    void start(Selector selector, ByteBuffer out) {
        try {
            channel = DatagramChannel.open(java.net.StandardProtocolFamily.INET6);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
            channel.bind(new InetSocketAddress(local.getAddress(), 0));
            channel.connect(client);
            channel.configureBlocking(false);
            String mode = request.mode().toLowerCase(Locale.ROOT);
            if (!mode.equals("octet")) {
                LOG.info("TFTP {}: RRQ {} mode {} refused: only octet", where, printable(request.filename()),
                        printable(request.mode()));
                send(List.of(new TftpPacket.Error(TftpErrorCode.ILLEGAL_OPERATION,
                        "only octet mode is served, not " + request.mode())), out);
                end();
                return;
            }
            TftpRoot.Resolution r = root.resolve(request.filename());
            if (r instanceof TftpRoot.Resolution.Refused no) {
                LOG.info("TFTP {}: RRQ {} refused: {}", where, printable(request.filename()), no.message());
                send(List.of(new TftpPacket.Error(no.code(), no.message())), out);
                end();
                return;
            }
            TftpRoot.Resolution.Found found = (TftpRoot.Resolution.Found) r;
            file = FileChannel.open(found.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
            size = found.size();
            TransferOptions options = TransferOptions.negotiate(request.options(), size, limits);
            transfer = new ReadTransfer(BlockSource.of(file, size), options, limits.maxRetries(), clock);
            LOG.debug("TFTP {}: RRQ {} ({} bytes) options {} granted {}", where, printable(request.filename()), size,
                    printable(request.options().toString()), options.acknowledged());
            send(transfer.start(), out);
            channel.register(selector, SelectionKey.OP_READ, this);
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    /** ACKs (or anything) arrived on the transfer's socket. */
    void readable(ByteBuffer in, ByteBuffer out) {
        try {
            while (!finished) {
                in.clear();
                if (channel.receive(in) == null) {
                    break;
                }
                in.flip();
                TftpPacket p;
                try {
                    p = TftpCodec.decode(in);
                } catch (MalformedPacketException e) {
                    LOG.debug("TFTP {}: ignoring malformed packet: {}", client, e.getMessage());
                    continue;
                }
                send(transfer.onPacket(p), out);
                if (transfer.finished()) {
                    complete();
                }
            }
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    /** When the engine wants to be asked again ({@link ReadTransfer#onTimeout}), or null once ended. */
    Instant deadline() {
        return finished || transfer == null ? null : transfer.deadline();
    }

    /** The deadline passed: retransmit, or give up. */
    void timeout(ByteBuffer out) {
        try {
            send(transfer.onTimeout(), out);
            if (transfer.finished()) {
                complete();
            }
        } catch (IOException | RuntimeException e) {
            failed(e);
        }
    }

    boolean finished() {
        return finished;
    }

    /** Ends the transfer at once (the server closes). */
    void abort() {
        end();
    }

    private void send(List<TftpPacket> packets, ByteBuffer out) throws IOException {
        for (TftpPacket p : packets) {
            out.clear();
            TftpCodec.encode(p, out);
            out.flip();
            // A full socket buffer drops the datagram: the window is resent on timeout, as on a lossy link.
            channel.write(out);
        }
    }

    private void complete() {
        double seconds = (System.nanoTime() - started) / 1e9;
        TransferOptions options = transfer.options();
        // One line per transfer, so a failed boot can be read from the log alone.
        LOG.info("TFTP {}: RRQ {} ({} bytes) options {} granted {}: {} {} ({} blocks of {}, window {}, {} resent,"
                + " {} s, {} MiB/s)", where, printable(request.filename()), size, printable(request.options().toString()),
                options.acknowledged(), transfer.outcome(), printable(transfer.detail()), transfer.blocks(),
                options.blockSize(), options.windowSize(), transfer.retransmitted(),
                String.format(Locale.ROOT, "%.3f", seconds),
                String.format(Locale.ROOT, "%.1f", size / 1048576.0 / Math.max(seconds, 1e-9)));
        end();
    }

    private void failed(Exception e) {
        if (e instanceof PortUnreachableException) {
            LOG.info("TFTP {}: RRQ {} abandoned: the client's port is closed (ICMPv6 port unreachable)", where,
                    printable(request.filename()));
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            LOG.warn("TFTP {}: RRQ {} failed: {}", where, printable(request.filename()), printable(e.toString()));
        } else {
            LOG.error("TFTP {}: RRQ {} failed unexpectedly", where, printable(request.filename()), e);
        }
        end();
    }

    private void end() {
        if (finished) {
            return;
        }
        finished = true;
        for (java.io.Closeable c : new java.io.Closeable[] {channel, file}) {
            if (c != null) {
                try {
                    c.close();
                } catch (IOException e) {
                    // closing anyway
                }
            }
        }
        done.run();
    }

    /** A client's text as a log-safe string: control characters escaped. */
    static String printable(String s) {
        return io.kubermesh.boot.internal.LogText.escape(s);
    }
}
