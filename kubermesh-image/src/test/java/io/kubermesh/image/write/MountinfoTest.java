package io.kubermesh.image.write;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Lines of {@code /proc/self/mountinfo} as proc(5) gives them, and lines that are not. */
class MountinfoTest {
    @Test
    void readsTheDeviceNumberMountPointAndSourcePastOptionalFields() {
        // proc(5)'s own example, with two optional fields before the separator
        var m = BlockDevices.Mount.parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue")
                .orElseThrow();
        assertThat(m).isEqualTo(new BlockDevices.Mount("98:0", "/mnt2", "/dev/root"));
        var none = BlockDevices.Mount.parse("26 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard").orElseThrow();
        assertThat(none).isEqualTo(new BlockDevices.Mount("254:0", "/", "/dev/vda"));
    }

    @Test
    void undoesTheOctalEscapesOfSpaceTabNewlineAndBackslash() {
        var m = BlockDevices.Mount.parse("40 26 8:17 / /media/my\\040stick\\011a\\012b\\134c rw - vfat /dev/sdb1 rw").orElseThrow();
        assertThat(m.mountPoint()).isEqualTo("/media/my stick\ta\nb\\c");
        assertThat(BlockDevices.Mount.unescape("\\04")).isEqualTo("\\04");
        assertThat(BlockDevices.Mount.unescape("a\\9999")).isEqualTo("a\\9999");
    }

    @Test
    void linesWithoutTheSeparatorOrItsFieldsAreSkipped() {
        assertThat(BlockDevices.Mount.parse("")).isEmpty();
        assertThat(BlockDevices.Mount.parse("36 35 98:0 /mnt1")).isEmpty();
        assertThat(BlockDevices.Mount.parse("36 35 98:0 /mnt1 /mnt2 rw ext3 /dev/root rw")).isEmpty();
        assertThat(BlockDevices.Mount.parse("36 35 98:0 /mnt1 /mnt2 rw - ext3")).isEmpty();
    }
}
