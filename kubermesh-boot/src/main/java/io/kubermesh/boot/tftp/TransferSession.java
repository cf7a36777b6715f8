package io.kubermesh.boot.tftp;

import io.kubermesh.api.MalformedPacketException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Locale;

/** The socket loop of one read transfer: its own socket, connected to the client's port. */
final class TransferSession {
    private static final Logger LOG = LoggerFactory.getLogger(TransferSession.class);

    private final TftpRoot root;
    private final TransferOptions.Limits limits;
    private final Clock clock;
    private final InetSocketAddress local;
    private final InetSocketAddress client;
    private final TftpPacket.ReadRequest request;
    private final String site;

    /** @param site the port or interface the request came in on, for the log */
    TransferSession(TftpRoot root, TransferOptions.Limits limits, Clock clock, InetSocketAddress local,
                    InetSocketAddress client, TftpPacket.ReadRequest request, String site) {
        this.site = site;
        this.root = root;
        this.limits = limits;
        this.clock = clock;
        this.local = local;
        this.client = client;
        this.request = request;
    }

    void run() {
        String where = client + " -> " + local + " (" + site + ")";
        long started = System.nanoTime();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(local.getAddress(), 0))) {
            socket.connect(client);
            String mode = request.mode().toLowerCase(Locale.ROOT);
            if (!mode.equals("octet")) {
                LOG.info("TFTP {}: RRQ {} mode {} refused: only octet", where, printable(request.filename()),
                        printable(request.mode()));
                send(socket, new TftpPacket.Error(TftpErrorCode.ILLEGAL_OPERATION,
                        "only octet mode is served, not " + request.mode()));
                return;
            }
            TftpRoot.Resolution r = root.resolve(request.filename());
            if (r instanceof TftpRoot.Resolution.Refused no) {
                LOG.info("TFTP {}: RRQ {} refused: {}", where, printable(request.filename()), no.message());
                send(socket, new TftpPacket.Error(no.code(), no.message()));
                return;
            }
            TftpRoot.Resolution.Found file = (TftpRoot.Resolution.Found) r;
            try (FileChannel ch = FileChannel.open(file.file(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                TransferOptions options = TransferOptions.negotiate(request.options(), file.size(), limits);
                ReadTransfer transfer = new ReadTransfer(BlockSource.of(ch, file.size()), options, limits.maxRetries(), clock);
                LOG.debug("TFTP {}: RRQ {} ({} bytes) options {} granted {}", where, printable(request.filename()), file.size(),
                        printable(request.options().toString()), options.acknowledged());
                loop(socket, transfer);
                double seconds = (System.nanoTime() - started) / 1e9;
                // One line per transfer, so a failed boot can be read from the log alone.
                LOG.info("TFTP {}: RRQ {} ({} bytes) options {} granted {}: {} {} ({} blocks of {}, window {}, {} resent,"
                        + " {} s, {} MiB/s)", where, printable(request.filename()), file.size(),
                        printable(request.options().toString()),
                        options.acknowledged(), transfer.outcome(), printable(transfer.detail()), transfer.blocks(),
                        options.blockSize(), options.windowSize(), transfer.retransmitted(),
                        String.format(Locale.ROOT, "%.3f", seconds),
                        String.format(Locale.ROOT, "%.1f", file.size() / 1048576.0 / Math.max(seconds, 1e-9)));
            }
        } catch (PortUnreachableException e) {
            LOG.info("TFTP {}: RRQ {} abandoned: the client's port is closed (ICMPv6 port unreachable)", where,
                    printable(request.filename()));
        } catch (IOException | UncheckedIOException e) {
            LOG.warn("TFTP {}: RRQ {} failed: {}", where, printable(request.filename()), e.toString());
        } catch (RuntimeException e) {
            LOG.error("TFTP {}: RRQ {} failed unexpectedly", where, printable(request.filename()), e);
        }
    }

    private void loop(DatagramSocket socket, ReadTransfer transfer) throws IOException {
        byte[] buf = new byte[TftpCodec.MAX_PACKET];
        DatagramPacket in = new DatagramPacket(buf, buf.length);
        send(socket, transfer.start());
        while (!transfer.finished()) {
            long wait = transfer.untilDeadline().toMillis();
            if (wait <= 0) {
                send(socket, transfer.onTimeout());
                continue;
            }
            socket.setSoTimeout((int) Math.min(wait, Integer.MAX_VALUE));
            in.setData(buf);
            try {
                socket.receive(in);
            } catch (SocketTimeoutException e) {
                send(socket, transfer.onTimeout());
                continue;
            }
            TftpPacket p;
            try {
                p = TftpCodec.decode(ByteBuffer.wrap(buf, 0, in.getLength()));
            } catch (MalformedPacketException e) {
                LOG.debug("TFTP {}: ignoring malformed packet: {}", client, e.getMessage());
                continue;
            }
            send(socket, transfer.onPacket(p));
        }
    }

    private ByteBuffer out = ByteBuffer.allocate(TftpCodec.MAX_PACKET);

    private void send(DatagramSocket socket, List<TftpPacket> packets) throws IOException {
        for (TftpPacket p : packets) {
            send(socket, p);
        }
    }

    private void send(DatagramSocket socket, TftpPacket p) throws IOException {
        out.clear();
        TftpCodec.encode(p, out);
        socket.send(new DatagramPacket(out.array(), out.position()));
    }

    /** A file name as a log-safe string: control characters escaped. */
    static String printable(String s) {
        return io.kubermesh.boot.internal.LogText.escape(s);
    }

}
