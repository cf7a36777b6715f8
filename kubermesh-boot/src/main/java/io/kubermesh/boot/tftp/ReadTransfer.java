package io.kubermesh.boot.tftp;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The state machine of one read transfer (RFC 1350, OACK RFC 2347, windows RFC 7440), free of
 * sockets: it takes packets and clock ticks and answers with the packets to send.
 *
 * <p>Blocks are counted with a {@code long} sequence (1 is the first DATA block); the wire block
 * number is its low 16 bits, so files past 65535 blocks roll over to 0 the way tftp-hpa, atftp,
 * curl and iPXE expect. A file whose size is a multiple of the block size ends with an empty
 * block (RFC 1350 section 6). An ACK acknowledges every block up to it; a window is resent from
 * the block after the highest ACK on timeout only, never on a duplicate ACK (Sorcerer's
 * Apprentice, RFC 1123 section 4.2.3.1).
 */
public final class ReadTransfer {
    /** How a transfer ended. */
    public enum Outcome { RUNNING, COMPLETE, TIMED_OUT, ABORTED_BY_CLIENT, FAILED }

    private final BlockSource source;
    private final TransferOptions options;
    private final int maxRetries;
    private final Clock clock;
    private final long lastBlock;
    private final boolean oack;

    private long acked;
    private long sentUpTo;
    private int retries;
    private Instant deadline;
    private Outcome outcome = Outcome.RUNNING;
    private String detail = "";
    private long retransmitted;

    /**
     * @param source the bytes to serve
     * @param options negotiated options; a non-empty {@link TransferOptions#acknowledged()} starts with an OACK
     * @param maxRetries retransmissions of one window before giving up
     * @param clock the time source (a fake one in tests)
     */
    public ReadTransfer(BlockSource source, TransferOptions options, int maxRetries, Clock clock) {
        this.source = source;
        this.options = options;
        this.maxRetries = maxRetries;
        this.clock = clock;
        this.lastBlock = source.size() / options.blockSize() + 1;
        this.oack = !options.acknowledged().isEmpty();
    }

    /** The first packets: the OACK, or the first window of DATA. */
    public List<TftpPacket> start() {
        if (oack) {
            sentUpTo = 0;
            arm();
            return List.of(new TftpPacket.OptionAck(options.acknowledged()));
        }
        return window();
    }

    /** Handles a packet from the client; returns what to send (possibly nothing). */
    public List<TftpPacket> onPacket(TftpPacket packet) {
        if (outcome != Outcome.RUNNING) {
            return List.of();
        }
        if (packet instanceof TftpPacket.Ack ack) {
            if (oack && sentUpTo == 0) {
                if (ack.block() != 0) {
                    return List.of(); // only ACK 0 acknowledges the OACK (RFC 2347)
                }
                retries = 0;
                return window();
            }
            long seq = sequenceOf(ack.block());
            if (seq < 0) {
                return List.of(); // a duplicate or stale ACK: wait for the timeout (no Sorcerer's Apprentice)
            }
            acked = seq;
            retries = 0;
            if (acked == lastBlock) {
                finish(Outcome.COMPLETE, "all " + lastBlock + " blocks acknowledged");
                return List.of();
            }
            return acked == sentUpTo ? window() : resendFrom();
        }
        if (packet instanceof TftpPacket.Error error) {
            finish(Outcome.ABORTED_BY_CLIENT, "client sent ERROR " + error.code() + " \"" + error.message() + "\"");
            return List.of();
        }
        finish(Outcome.FAILED, "unexpected " + packet.getClass().getSimpleName() + " during a read transfer");
        return List.of(new TftpPacket.Error(TftpErrorCode.ILLEGAL_OPERATION,
                "illegal TFTP operation: only ACK or ERROR during a read transfer"));
    }

    /** Call when {@link #deadline()} has passed: resends the unacknowledged window or gives up. */
    public List<TftpPacket> onTimeout() {
        if (outcome != Outcome.RUNNING || clock.instant().isBefore(deadline)) {
            return List.of();
        }
        if (retries >= maxRetries) {
            finish(Outcome.TIMED_OUT, "no ACK after " + (retries + 1) + " sends of block " + ((acked + 1) & 0xFFFF));
            return List.of(new TftpPacket.Error(TftpErrorCode.NOT_DEFINED, "timed out waiting for ACK"));
        }
        retries++;
        if (oack && acked == 0 && sentUpTo == 0) {
            retransmitted++;
            arm();
            return List.of(new TftpPacket.OptionAck(options.acknowledged()));
        }
        return resendFrom();
    }

    private List<TftpPacket> resendFrom() {
        long before = sentUpTo;
        List<TftpPacket> out = window();
        retransmitted += Math.max(0, before - acked);
        return out;
    }

    /** Sends blocks acked+1 .. acked+windowSize (bounded by the last block). */
    private List<TftpPacket> window() {
        long to = Math.min(acked + options.windowSize(), lastBlock);
        List<TftpPacket> out = new ArrayList<>((int) (to - acked));
        for (long seq = acked + 1; seq <= to; seq++) {
            long offset = (seq - 1) * options.blockSize();
            int length = (int) Math.min(options.blockSize(), source.size() - offset);
            out.add(new TftpPacket.Data((int) (seq & 0xFFFF), source.read(offset, length)));
        }
        sentUpTo = Math.max(sentUpTo, to);
        arm();
        return out;
    }

    /** The sequence number an ACK's wire block stands for, within (acked, sentUpTo], or -1. */
    private long sequenceOf(int block) {
        for (long seq = acked + 1; seq <= sentUpTo; seq++) {
            if ((seq & 0xFFFF) == block) {
                return seq;
            }
        }
        return -1;
    }

    private void arm() {
        deadline = clock.instant().plus(options.timeout());
    }

    private void finish(Outcome o, String why) {
        outcome = o;
        detail = why;
    }

    /** When to call {@link #onTimeout()} next. */
    public Instant deadline() {
        return deadline;
    }

    /** Time left until {@link #deadline()}, never negative. */
    public Duration untilDeadline() {
        Duration d = Duration.between(clock.instant(), deadline);
        return d.isNegative() ? Duration.ZERO : d;
    }

    public Outcome outcome() {
        return outcome;
    }

    /** Why the transfer ended, for the log. */
    public String detail() {
        return detail;
    }

    public boolean finished() {
        return outcome != Outcome.RUNNING;
    }

    /** Number of DATA blocks of the file, including a final empty one. */
    public long blocks() {
        return lastBlock;
    }

    /** Blocks sent more than once. */
    public long retransmitted() {
        return retransmitted;
    }

    public TransferOptions options() {
        return options;
    }
}
