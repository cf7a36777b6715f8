package io.kubermesh.image.build;

import org.junit.jupiter.api.Test;

import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiskLayoutTest {
    static final UUID A = UUID.fromString("00000000-0000-0000-0000-00000000000a");
    static final UUID B = UUID.fromString("00000000-0000-0000-0000-00000000000b");
    static final UUID C = UUID.fromString("00000000-0000-0000-0000-00000000000c");

    @Test
    void theUsbImagesPartitionTable() {
        DiskLayout l = new DiskLayout(320 * DiskLayout.MIB, 512 * DiskLayout.MIB);
        assertThat(l.sfdiskScript(A, B, C, false)).isEqualTo("""
                label: gpt
                label-id: 00000000-0000-0000-0000-00000000000A
                first-lba: 2048
                start=2048, size=655360, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, uuid=00000000-0000-0000-0000-00000000000B, name="kubermesh-esp"
                start=657408, size=1048576, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4, uuid=00000000-0000-0000-0000-00000000000C, name="kubermesh-data"
                """);
        assertThat(l.totalBytes()).isEqualTo((1 + 320 + 512 + 1) * DiskLayout.MIB);
    }

    @Test
    void anInstallGivesTheDataPartitionTheRestOfTheDisk() {
        assertThat(new DiskLayout(1024 * DiskLayout.MIB, 64 * DiskLayout.MIB).sfdiskScript(A, B, C, true))
                .contains("start=2099200, type=0FC63DAF").doesNotContain("size=131072");
    }

    @Test
    void partitionsAreWholeMebibytesAndTheEspFitsFat32() {
        assertThatThrownBy(() -> new DiskLayout(32 * DiskLayout.MIB, 64 * DiskLayout.MIB)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new DiskLayout(256 * DiskLayout.MIB + 512, 64 * DiskLayout.MIB))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
