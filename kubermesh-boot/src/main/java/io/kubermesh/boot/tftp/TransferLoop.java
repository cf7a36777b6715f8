package io.kubermesh.boot.tftp;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Every read transfer of a {@link TftpServer} on one thread and one selector, as dnsmasq serves
 * them: an ACK wakes the loop, which answers with the next window; no thread per transfer, no
 * hand-over between threads per block. Deadlines are checked at every turn, the selector waiting
 * at most until the nearest one. Buffers are direct and reused, so a block costs a positional
 * read of the file and one send.
 */
final class TransferLoop implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TransferLoop.class);
    /** The longest wait for an event when no deadline is nearer: keeps {@link #close} prompt. */
    private static final long IDLE_MILLIS = 500;

    private final Selector selector;
    private final Clock clock;
    private final Thread thread;
    private final ConcurrentLinkedQueue<TransferSession> arriving = new ConcurrentLinkedQueue<>();
    private final Set<TransferSession> running = new HashSet<>();
    private final ByteBuffer in = ByteBuffer.allocateDirect(TftpCodec.MAX_PACKET);
    private final ByteBuffer out = ByteBuffer.allocateDirect(TftpCodec.MAX_PACKET);
    private volatile boolean closed;

    TransferLoop(String name, Clock clock) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.clock = clock;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Starts {@code s} on the loop's thread. */
    void submit(TransferSession s) {
        arriving.add(s);
        selector.wakeup();
    }

    /** Transfers running now (on the loop's thread; approximate from elsewhere). */
    int running() {
        return running.size();
    }

    private void run() {
        while (!closed) {
            try {
                turn();
            } catch (RuntimeException | Error e) {
                // one transfer's failure must not end every other: log it and go on
                LOG.error("TFTP transfer loop: {}", e.toString(), e);
                if (e instanceof VirtualMachineError fatal) {
                    throw fatal;
                }
            }
        }
        arriving.forEach(TransferSession::abort);
        running.forEach(TransferSession::abort);
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    private void turn() {
        for (TransferSession s; (s = arriving.poll()) != null; ) {
            s.start(selector, out);
            if (!s.finished()) {
                running.add(s);
            }
        }
        long wait = IDLE_MILLIS;
        Instant now = clock.instant();
        for (TransferSession s : running) {
            Instant d = s.deadline();
            if (d != null) {
                wait = Math.max(1, Math.min(wait, d.toEpochMilli() - now.toEpochMilli()));
            }
        }
        try {
            selector.select(wait);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (SelectionKey k : selector.selectedKeys()) {
            ((TransferSession) k.attachment()).readable(in, out);
        }
        selector.selectedKeys().clear();
        now = clock.instant();
        List<TransferSession> ended = new ArrayList<>();
        for (TransferSession s : running) {
            Instant d = s.deadline();
            if (d != null && !now.isBefore(d)) {
                s.timeout(out);
            }
            if (s.finished()) {
                ended.add(s);
            }
        }
        ended.forEach(running::remove);
    }

    /** Stops the loop; running transfers end at once. */
    @Override
    public void close() {
        closed = true;
        selector.wakeup();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
