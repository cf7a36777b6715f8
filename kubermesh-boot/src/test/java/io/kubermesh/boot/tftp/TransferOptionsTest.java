package io.kubermesh.boot.tftp;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TransferOptionsTest {
    private static TransferOptions negotiate(TransferOptions.Limits limits, TftpOption... options) {
        return TransferOptions.negotiate(List.of(options), 1234, limits);
    }

    @Test
    void noOptionsMeansRfc1350Defaults() {
        TransferOptions o = negotiate(TransferOptions.Limits.DEFAULT);
        assertThat(o.blockSize()).isEqualTo(512);
        assertThat(o.windowSize()).isEqualTo(1);
        assertThat(o.acknowledged()).isEmpty();
    }

    @Test
    void grantsAreCappedAndNamesKeepTheirSpelling() {
        TransferOptions.Limits limits = new TransferOptions.Limits(1432, 16, Duration.ofSeconds(1), 5);
        TransferOptions o = negotiate(limits, new TftpOption("BLKSIZE", "1468"), new TftpOption("windowsize", "64"),
                new TftpOption("TSize", "0"));
        assertThat(o.blockSize()).isEqualTo(1432);
        assertThat(o.windowSize()).isEqualTo(16);
        assertThat(o.acknowledged()).containsExactly(new TftpOption("BLKSIZE", "1432"), new TftpOption("windowsize", "16"),
                new TftpOption("TSize", "1234"));
    }

    @Test
    void outOfRangeOrGarbageValuesAreLeftOut() {
        TransferOptions o = negotiate(TransferOptions.Limits.DEFAULT, new TftpOption("blksize", "7"),
                new TftpOption("timeout", "0"), new TftpOption("timeout", "9"), new TftpOption("windowsize", "x"),
                new TftpOption("tsize", "-1"), new TftpOption("blksize", "99999999999999999999999"));
        assertThat(o.acknowledged()).isEmpty();
        assertThat(o.blockSize()).isEqualTo(512);
    }

    @Test
    void aTimeoutAboveTheServersCapIsDeclinedAndTheDefaultUsed() {
        // issue 15: a client-chosen 255 s timeout held a transfer slot for many minutes
        TransferOptions asked = negotiate(TransferOptions.Limits.DEFAULT, new TftpOption("timeout", "255"));
        assertThat(asked.acknowledged()).isEmpty();
        assertThat(asked.timeout()).isEqualTo(TransferOptions.Limits.DEFAULT.defaultTimeout());
        TransferOptions within = negotiate(TransferOptions.Limits.DEFAULT, new TftpOption("timeout", "2"));
        assertThat(within.acknowledged()).containsExactly(new TftpOption("timeout", "2"));
        assertThat(within.timeout()).isEqualTo(Duration.ofSeconds(2));
        TransferOptions.Limits d = TransferOptions.Limits.DEFAULT;
        assertThat(d.maxTimeout().multipliedBy(d.maxRetries() + 1)).as("the longest an unacknowledged transfer lives")
                .isLessThanOrEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void windowRefusedWhenTheServerCapsItAtOne() {
        TransferOptions.Limits limits = new TransferOptions.Limits(65464, 1, Duration.ofSeconds(1), 5);
        assertThat(negotiate(limits, new TftpOption("windowsize", "8")).acknowledged()).isEmpty();
    }

    @Test
    void emptyFileLeavesTsizeOutOfTheOack() {
        TransferOptions o = TransferOptions.negotiate(List.of(new TftpOption("tsize", "0"), new TftpOption("blksize", "1024")),
                0, TransferOptions.Limits.DEFAULT);
        assertThat(o.acknowledged()).containsExactly(new TftpOption("blksize", "1024"));
    }
}
