package io.kubermesh.image.node;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class InstallTargetTest {
    static final long GIB = 1L << 30;

    @Test
    void choosesTheFirstFixedDiskBigEnoughAndNeverAVirtualOne() {
        var chosen = InstallTarget.choose(List.of(new InstallTarget.Disk("loop0", 100 * GIB, false),
                new InstallTarget.Disk("sda", 32 * GIB, true), new InstallTarget.Disk("vdb", 8 * GIB, false),
                new InstallTarget.Disk("vda", 1 * GIB, false), new InstallTarget.Disk("zram0", 4 * GIB, false),
                new InstallTarget.Disk("sr0", 4 * GIB, true)));
        assertThat(chosen).map(InstallTarget.Disk::name).contains("vdb");
    }

    @Test
    void aRemovableDiskOnlyWhenNothingElseAndNoneWhenNothingFits() {
        assertThat(InstallTarget.choose(List.of(new InstallTarget.Disk("sdb", 16 * GIB, true))))
                .map(InstallTarget.Disk::name).contains("sdb");
        assertThat(InstallTarget.choose(List.of(new InstallTarget.Disk("vda", GIB, false)))).isEmpty();
    }

    @Test
    void partitionNodesFollowTheKernelsNaming() {
        assertThat(new InstallTarget.Disk("vda", GIB, false).partition(2)).isEqualTo("/dev/vda2");
        assertThat(new InstallTarget.Disk("nvme0n1", GIB, false).partition(1)).isEqualTo("/dev/nvme0n1p1");
        assertThat(new InstallTarget.Disk("mmcblk0", GIB, false).partition(1)).isEqualTo("/dev/mmcblk0p1");
    }
}
