package io.kubermesh.boot.tftp;

import io.kubermesh.testkit.ManualClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class ReadTransferTest {
    private final ManualClock clock = new ManualClock();

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private ReadTransfer transfer(byte[] file, List<TftpOption> requested) {
        TransferOptions o = TransferOptions.negotiate(requested, file.length, TransferOptions.Limits.DEFAULT);
        return new ReadTransfer(BlockSource.of(file), o, 3, clock);
    }

    /** A well-behaved client: ACKs the last block of each window; returns what it received. */
    private static byte[] receiveAll(ReadTransfer t, List<Integer> wireBlocks) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        List<TftpPacket> out = t.start();
        while (!out.isEmpty()) {
            TftpPacket last = out.get(out.size() - 1);
            for (TftpPacket p : out) {
                if (p instanceof TftpPacket.Data d) {
                    got.writeBytes(d.payload());
                    wireBlocks.add(d.block());
                }
            }
            int ack = last instanceof TftpPacket.Data d ? d.block() : 0;
            out = t.onPacket(new TftpPacket.Ack(ack));
        }
        return got.toByteArray();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 511, 512, 513, 1024, 5000})
    void boundarySizesArriveWholeWithAFinalShortBlock(int size) {
        byte[] file = bytes(size);
        ReadTransfer t = transfer(file, List.of());
        List<Integer> blocks = new ArrayList<>();
        assertThat(receiveAll(t, blocks)).isEqualTo(file);
        assertThat(t.outcome()).isEqualTo(ReadTransfer.Outcome.COMPLETE);
        assertThat(blocks).hasSize(size / 512 + 1);
        assertThat(blocks.get(0)).isEqualTo(1);
    }

    @Test
    void exactMultipleEndsWithAnEmptyBlock() {
        ReadTransfer t = transfer(bytes(1024), List.of());
        List<TftpPacket> first = t.start();
        assertThat(((TftpPacket.Data) first.get(0)).length()).isEqualTo(512);
        List<TftpPacket> second = t.onPacket(new TftpPacket.Ack(1));
        assertThat(((TftpPacket.Data) second.get(0)).length()).isEqualTo(512);
        List<TftpPacket> third = t.onPacket(new TftpPacket.Ack(2));
        assertThat(third).containsExactly(new TftpPacket.Data(3, new byte[0]));
        assertThat(t.onPacket(new TftpPacket.Ack(3))).isEmpty();
        assertThat(t.outcome()).isEqualTo(ReadTransfer.Outcome.COMPLETE);
    }

    @Test
    void emptyFileIsOneEmptyBlock() {
        ReadTransfer t = transfer(new byte[0], List.of());
        assertThat(t.start()).containsExactly(new TftpPacket.Data(1, new byte[0]));
        t.onPacket(new TftpPacket.Ack(1));
        assertThat(t.finished()).isTrue();
    }

    @Test
    void optionsStartWithOackAndWaitForAckZero() {
        byte[] file = bytes(3000);
        ReadTransfer t = transfer(file, List.of(new TftpOption("tsize", "0"), new TftpOption("blksize", "1000"),
                new TftpOption("windowsize", "2"), new TftpOption("frobnicate", "1")));
        assertThat(t.start()).containsExactly(new TftpPacket.OptionAck(List.of(new TftpOption("tsize", "3000"),
                new TftpOption("blksize", "1000"), new TftpOption("windowsize", "2"))));
        assertThat(t.onPacket(new TftpPacket.Ack(5))).as("a stray ACK before ACK 0").isEmpty();
        List<TftpPacket> w1 = t.onPacket(new TftpPacket.Ack(0));
        assertThat(w1).extracting(p -> ((TftpPacket.Data) p).block()).containsExactly(1, 2);
        List<TftpPacket> w2 = t.onPacket(new TftpPacket.Ack(2));
        assertThat(w2).extracting(p -> ((TftpPacket.Data) p).block()).containsExactly(3, 4);
        assertThat(((TftpPacket.Data) w2.get(1)).length()).isZero();
        t.onPacket(new TftpPacket.Ack(4));
        assertThat(t.outcome()).isEqualTo(ReadTransfer.Outcome.COMPLETE);
    }

    @Test
    void partialWindowAckResumesAfterTheAckedBlock() {
        ReadTransfer t = transfer(bytes(512 * 10), List.of(new TftpOption("windowsize", "4")));
        t.start();
        t.onPacket(new TftpPacket.Ack(0));
        // blocks 1..4 in flight; the client lost 3 and ACKs 2
        List<TftpPacket> next = t.onPacket(new TftpPacket.Ack(2));
        assertThat(next).extracting(p -> ((TftpPacket.Data) p).block()).containsExactly(3, 4, 5, 6);
    }

    @Test
    void windowedTransferDeliversEverything() {
        byte[] file = bytes(512 * 37 + 100);
        ReadTransfer t = transfer(file, List.of(new TftpOption("windowsize", "8"), new TftpOption("blksize", "512")));
        assertThat(receiveAll(t, new ArrayList<>())).isEqualTo(file);
        assertThat(t.outcome()).isEqualTo(ReadTransfer.Outcome.COMPLETE);
    }

    @Test
    void blockNumbersRollOverPast65535() {
        int blksize = 8;
        byte[] file = bytes(blksize * 70_000 + 3);
        ReadTransfer t = transfer(file, List.of(new TftpOption("blksize", "8"), new TftpOption("windowsize", "16")));
        List<Integer> blocks = new ArrayList<>();
        assertThat(receiveAll(t, blocks)).isEqualTo(file);
        assertThat(blocks).hasSize(70_001);
        assertThat(blocks.get(65_534)).isEqualTo(65_535);
        assertThat(blocks.get(65_535)).as("the block after 65535 wraps to 0").isZero();
        assertThat(blocks.get(65_536)).isEqualTo(1);
        assertThat(blocks.get(70_000)).isEqualTo(70_001 & 0xFFFF);
        assertThat(t.outcome()).isEqualTo(ReadTransfer.Outcome.COMPLETE);
    }

    @Test
    void duplicateAckIsIgnoredNotAnsweredWithData() {
        ReadTransfer t = transfer(bytes(2000), List.of());
        t.start();
        assertThat(t.onPacket(new TftpPacket.Ack(1))).hasSize(1);
        assertThat(t.onPacket(new TftpPacket.Ack(1))).as("Sorcerer's Apprentice: no resend on a duplicate").isEmpty();
        assertThat(t.onPacket(new TftpPacket.Ack(2))).extracting(p -> ((TftpPacket.Data) p).block()).containsExactly(3);
    }

    @Test
    void timeoutResendsTheWindowThenGivesUp() {
        ReadTransfer t = transfer(bytes(4000), List.of(new TftpOption("windowsize", "3")));
        List<TftpPacket> oack = t.start();
        clock.advance(Duration.ofMillis(999));
        assertThat(t.onTimeout()).as("not yet").isEmpty();
        clock.advance(Duration.ofMillis(1));
        assertThat(t.onTimeout()).isEqualTo(oack);
        List<TftpPacket> window = t.onPacket(new TftpPacket.Ack(0));
        assertThat(window).hasSize(3);
        for (int i = 0; i < 3; i++) {
            clock.advance(Duration.ofSeconds(1));
            assertThat(t.onTimeout()).as("resend %d", i).isEqualTo(window);
        }
        assertThat(t.retransmitted()).isEqualTo(1 + 9);
        clock.advance(Duration.ofSeconds(1));
        List<TftpPacket> last = t.onTimeout();
        assertThat(last).singleElement().isInstanceOf(TftpPacket.Error.class);
        assertThat(t.outcome()).isEqualTo(ReadTransfer.Outcome.TIMED_OUT);
    }

    @Test
    void clientTimeoutOptionSetsTheRetransmissionDelay() {
        ReadTransfer t = transfer(bytes(100), List.of(new TftpOption("timeout", "2")));
        t.start();
        clock.advance(Duration.ofSeconds(1));
        assertThat(t.onTimeout()).isEmpty();
        clock.advance(Duration.ofSeconds(1));
        assertThat(t.onTimeout()).hasSize(1);
    }

    @Test
    void ackResetsTheRetryCount() {
        ReadTransfer t = transfer(bytes(512 * 10), List.of());
        t.start();
        for (int block = 1; block <= 5; block++) {
            for (int i = 0; i < 3; i++) {
                clock.advance(Duration.ofSeconds(1));
                assertThat(t.onTimeout()).hasSize(1);
            }
            t.onPacket(new TftpPacket.Ack(block));
        }
        assertThat(t.finished()).isFalse();
    }

    @Test
    void clientErrorAbortsAndUnexpectedPacketIsAnIllegalOperation() {
        ReadTransfer t = transfer(bytes(100), List.of(new TftpOption("blksize", "1468")));
        t.start();
        assertThat(t.onPacket(new TftpPacket.Error(8, "option refused"))).isEmpty();
        assertThat(t.outcome()).isEqualTo(ReadTransfer.Outcome.ABORTED_BY_CLIENT);

        ReadTransfer u = transfer(bytes(100), List.of());
        u.start();
        List<TftpPacket> answer = u.onPacket(new TftpPacket.Data(1, new byte[3]));
        assertThat(answer).singleElement().isEqualTo(new TftpPacket.Error(TftpErrorCode.ILLEGAL_OPERATION,
                "illegal TFTP operation: only ACK or ERROR during a read transfer"));
        assertThat(u.outcome()).isEqualTo(ReadTransfer.Outcome.FAILED);
    }
}
