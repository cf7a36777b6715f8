package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparseCopyTest {
    @TempDir
    Path dir;

    private Path image(long size, long... dataAt) throws IOException {
        Path p = dir.resolve("in-" + size + "-" + dataAt.length);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
            for (long at : dataAt) {
                f.seek(at);
                f.write(new byte[] {(byte) 0xEB, 0x3C, (byte) 0x90}, 0, (int) Math.min(3, size - at));
            }
        }
        return p;
    }

    @Test
    void onlyBlocksWithDataAreWrittenAndTheCopyIsEqual() throws IOException {
        int b = SparseCopy.BLOCK;
        Path in = image(64L * b, 0, 5L * b + 17, 63L * b + b - 3);
        Path out = dir.resolve("out");
        assertThat(SparseCopy.copy(in, out)).isEqualTo(3L * b);
        assertThat(Files.size(out)).isEqualTo(64L * b);
        assertThat(Files.mismatch(in, out)).isEqualTo(-1);
    }

    @Test
    void oddSizesAndTrailingHolesKeepTheirLength() throws IOException {
        int b = SparseCopy.BLOCK;
        for (long size : new long[] {0, 1, b - 1, b, b + 1, 3L * b + 511}) {
            Path in = image(size, size > 0 ? new long[] {0} : new long[0]);
            Path out = dir.resolve("out-" + size);
            SparseCopy.copy(in, out);
            assertThat(Files.size(out)).as("size %d", size).isEqualTo(size);
            assertThat(Files.mismatch(in, out)).as("size %d", size).isEqualTo(-1);
        }
        Path holeAtEnd = image(10L * b + 3, 0);
        SparseCopy.copy(holeAtEnd, dir.resolve("hole"));
        assertThat(Files.size(dir.resolve("hole"))).isEqualTo(10L * b + 3);
    }

    @Test
    void anExistingTargetIsNeverOverwritten() throws IOException {
        Path in = image(100, 0);
        Path out = Files.writeString(dir.resolve("taken"), "keep");
        assertThatThrownBy(() -> SparseCopy.copy(in, out)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.readString(out)).isEqualTo("keep");
    }
}
