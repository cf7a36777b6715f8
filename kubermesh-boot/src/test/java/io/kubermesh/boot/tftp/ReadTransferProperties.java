package io.kubermesh.boot.tftp;

import io.kubermesh.testkit.ManualClock;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine against a simulated RFC 7440 client over a lossy channel: whatever is lost, a
 * transfer that completes delivered exactly the file, and with at most 30 % loss and patient
 * retries every transfer completes.
 */
class ReadTransferProperties {
    @Property(tries = 300)
    void lossyChannelStillDeliversTheExactFile(@ForAll @IntRange(max = 6000) int size,
                                               @ForAll @IntRange(min = 8, max = 700) int blksize,
                                               @ForAll @IntRange(min = 1, max = 8) int window,
                                               @ForAll @IntRange(max = 30) int lossPercent,
                                               @ForAll boolean withOptions,
                                               @ForAll long seed) {
        Random random = new Random(seed);
        byte[] file = new byte[size];
        random.nextBytes(file);
        List<TftpOption> requested = withOptions || blksize != 512 || window != 1
                ? List.of(new TftpOption("blksize", Integer.toString(blksize)), new TftpOption("windowsize", Integer.toString(window)))
                : List.of();
        TransferOptions options = TransferOptions.negotiate(requested, size, TransferOptions.Limits.DEFAULT);
        ManualClock clock = new ManualClock();
        ReadTransfer t = new ReadTransfer(BlockSource.of(file), options, 60, clock);
        Client client = new Client(options.blockSize(), options.windowSize());

        List<TftpPacket> toClient = new ArrayList<>(t.start());
        int rounds = 0;
        while (!t.finished() && rounds++ < 100_000) {
            List<TftpPacket> toServer = new ArrayList<>();
            for (TftpPacket p : toClient) {
                if (random.nextInt(100) >= lossPercent) {
                    toServer.addAll(client.receive(p));
                }
            }
            toClient.clear();
            for (TftpPacket ack : toServer) {
                if (random.nextInt(100) >= lossPercent) {
                    toClient.addAll(t.onPacket(ack));
                }
            }
            if (toClient.isEmpty() && !t.finished()) {
                clock.advance(options.timeout());
                toClient.addAll(t.onTimeout());
            }
        }
        assertThat(t.outcome()).isEqualTo(ReadTransfer.Outcome.COMPLETE);
        assertThat(client.done).isTrue();
        assertThat(client.data.toByteArray()).isEqualTo(file);
    }

    /** An RFC 1350/7440 receiver: ACKs each full window, the short last block, or the last in-order block after a gap. */
    static final class Client {
        final int blksize;
        final int window;
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        long expected = 1;
        int sinceAck;
        boolean done;

        Client(int blksize, int window) {
            this.blksize = blksize;
            this.window = window;
        }

        List<TftpPacket> receive(TftpPacket p) {
            if (p instanceof TftpPacket.OptionAck) {
                return expected == 1 ? List.of(new TftpPacket.Ack(0)) : List.of();
            }
            if (!(p instanceof TftpPacket.Data d)) {
                return List.of();
            }
            if (d.block() == (expected & 0xFFFF) && !done) {
                data.writeBytes(d.payload());
                expected++;
                sinceAck++;
                if (d.length() < blksize) {
                    done = true;
                    return List.of(ack());
                }
                if (sinceAck >= window) {
                    return List.of(ack());
                }
                return List.of();
            }
            // a duplicate or a block after a gap: re-acknowledge what we have (RFC 7440 section 4)
            return List.of(ack());
        }

        private TftpPacket ack() {
            sinceAck = 0;
            return new TftpPacket.Ack((int) ((expected - 1) & 0xFFFF));
        }
    }
}
