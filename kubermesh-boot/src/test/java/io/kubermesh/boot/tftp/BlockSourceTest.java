package io.kubermesh.boot.tftp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockSourceTest {
    @TempDir
    Path dir;

    @Test
    void aFileReadAheadServesEveryBlockAsTheFileHasIt() throws Exception {
        byte[] bytes = new byte[3 * BlockSource.READ_AHEAD + 777];
        new Random(5).nextBytes(bytes);
        Path f = Files.write(dir.resolve("f"), bytes);
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            BlockSource s = BlockSource.of(ch, bytes.length);
            for (int block : new int[] {512, 1468, 8192, 65464}) {
                for (long at = 0; at < bytes.length; at += block) {
                    int n = (int) Math.min(block, bytes.length - at);
                    assertThat(s.read(at, n)).as("block %d at %d", block, at)
                            .isEqualTo(Arrays.copyOfRange(bytes, (int) at, (int) at + n));
                }
            }
            // going back (a retransmitted window) and the empty last block
            assertThat(s.read(100, 10)).isEqualTo(Arrays.copyOfRange(bytes, 100, 110));
            assertThat(s.read(bytes.length, 0)).isEmpty();
            assertThat(s.read(5, 2 * BlockSource.READ_AHEAD)).isEqualTo(Arrays.copyOfRange(bytes, 5, 5 + 2 * BlockSource.READ_AHEAD));
        }
    }
}
