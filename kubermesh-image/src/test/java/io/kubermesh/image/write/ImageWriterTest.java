package io.kubermesh.image.write;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.image.internal.Sha256;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link ImageWriter} on files, and its refusals on block devices described by a {@link FakeHost}. */
class ImageWriterTest {
    private static final long MIB = 1 << 20;

    @TempDir
    Path dir;
    private FakeHost host;
    private final List<String> progress = new ArrayList<>();
    private ImageWriter writer;
    private Path image;

    @BeforeEach
    void setUp() throws Exception {
        host = new FakeHost(dir.resolve("host"));
        writer = new ImageWriter(host.devices(), progress::add);
        byte[] bytes = new byte[(int) (9 * MIB + 123)];
        new Random(14).nextBytes(bytes);
        image = Files.write(dir.resolve("usb.img"), bytes);
    }

    @Test
    void writesAFileReadsItBackAndPrintsTheDigest() throws Exception {
        Path out = dir.resolve("out.img");
        WriteResult r = writer.write(image, writer.check(image, out, false));
        assertThat(r.sha256()).isEqualTo(Sha256.of(image)).isEqualTo(Sha256.of(out));
        assertThat(r.bytes()).isEqualTo(Files.size(image));
        assertThat(Files.mismatch(image, out)).isEqualTo(-1);
        assertThat(progress).anyMatch(l -> l.startsWith("wrote ") && l.contains("(100%)"))
                .anyMatch(l -> l.contains("fsync"))
                .anyMatch(l -> l.startsWith("verified:") && l.contains(r.sha256()));
        assertThat(progress.stream().filter(l -> l.startsWith("wrote ")).count()).isBetween(2L, 11L);
    }

    @Test
    void anExistingLongerFileIsCutToTheImage() throws Exception {
        Path out = Files.write(dir.resolve("old.img"), new byte[(int) (20 * MIB)]);
        writer.write(image, writer.check(image, out, false));
        assertThat(Files.size(out)).isEqualTo(Files.size(image));
        assertThat(Files.mismatch(image, out)).isEqualTo(-1);
    }

    @Test
    void refusesWhatIsNeitherABlockDeviceNorAFile() {
        assertThatThrownBy(() -> writer.check(image, dir, false)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--device").hasMessageContaining("not a directory");
        assertThatThrownBy(() -> writer.check(image, Path.of("/dev/null"), false)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("/dev/null").hasMessageContaining("character device");
        assertThatThrownBy(() -> writer.check(image, Path.of("/dev/kmbm-no-such-disk"), false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("an existing block device");
        assertThatThrownBy(() -> writer.check(image, dir.resolve("no/such/dir/x.img"), false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("existing directory");
    }

    @Test
    void refusesAMissingOrEmptyImageAndTheImageItself() throws Exception {
        assertThatThrownBy(() -> writer.check(dir.resolve("none.img"), dir.resolve("o"), false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--image");
        Path empty = Files.createFile(dir.resolve("empty.img"));
        assertThatThrownBy(() -> writer.check(empty, dir.resolve("o"), false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> writer.check(image, image, false))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("other than the image itself");
    }

    @Test
    void refusesADiskWithAMountedPartitionNamingItAndWhereItIsMounted() {
        host.disk("sdb", 64 * MIB, true, "SanDisk Ultra");
        String p1 = host.partition("sdb", "sdb1");
        host.partition("sdb", "sdb2");
        host.mount(p1, "/dev/sdb1", "/media/my stick");
        assertThatThrownBy(() -> block("sdb", false)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("/dev/sdb1 is mounted at /media/my stick").hasMessageContaining("umount");
    }

    @Test
    void refusesTheDiskTheSystemRunsFromEvenThroughDeviceMapper() {
        host.disk("sda", 64 * MIB, false, "");
        String root = host.partition("sda", "sda2");
        host.mount(root, "/dev/sda2", "/");
        assertThatThrownBy(() -> block("sda", true)).hasMessageContaining("/dev/sda holds / of the running system");

        host.disk("nvme0n1", 64 * MIB, false, "");
        host.partition("nvme0n1", "nvme0n1p3");
        String crypt = host.stack("dm-0", "nvme0n1p3");
        host.mount(crypt, "/dev/mapper/root", "/boot");
        assertThatThrownBy(() -> block("nvme0n1", true)).hasMessageContaining("/dev/nvme0n1 holds /boot");
    }

    @Test
    void refusesADiskUnderSwapOrUnderAnUnmountedStack() {
        host.disk("sdc", 64 * MIB, true, "");
        host.partition("sdc", "sdc1");
        host.swap("/dev/sdc1");
        assertThatThrownBy(() -> block("sdc", false)).hasMessageContaining("/dev/sdc1 is swap");

        host.disk("sdd", 64 * MIB, true, "");
        host.stack("md0", "sdd");
        assertThatThrownBy(() -> block("sdd", false)).hasMessageContaining("/dev/md0").hasMessageContaining("stacked");
    }

    @Test
    void refusesAPartitionASmallDiskAndAFixedDiskUnlessForced() {
        host.disk("sde", 64 * MIB, true, "");
        host.partition("sde", "sde1");
        assertThatThrownBy(() -> block("sde1", false)).hasMessageContaining("a whole disk, not partition sde1 of /dev/sde");

        host.disk("sdf", 8 * MIB, true, "");
        assertThatThrownBy(() -> block("sdf", false)).hasMessageContaining("at least 9.0 MiB").hasMessageContaining("8.0 MiB");

        host.disk("sdg", 64 * MIB, false, "ATA Samsung");
        assertThatThrownBy(() -> block("sdg", false)).hasMessageContaining("fixed disk").hasMessageContaining("--force");
        assertThat(block("sdg", true).bytes()).isEqualTo(64 * MIB);
    }

    @Test
    void acceptsAnUnusedRemovableDiskAndDescribesIt() {
        host.disk("sdh", 64 * MIB, true, "SanDisk Ultra");
        host.partition("sdh", "sdh1");
        WriteTarget t = block("sdh", false);
        assertThat(t.block()).isTrue();
        assertThat(t.describe()).isEqualTo("/dev/sdh (SanDisk Ultra, 64.0 MiB, removable)");
    }

    @Test
    void refusesAFileWhoseLoopDeviceIsMounted() throws Exception {
        Path backing = Files.write(dir.resolve("disk.img"), new byte[1024]);
        host.disk("loop5", 64 * MIB, false, "");
        host.loopBackedBy("loop5", backing.toRealPath());
        String p = host.partition("loop5", "loop5p1");
        assertThat(writer.check(image, backing, false).block()).isFalse();
        host.mount(p, "/dev/loop5p1", "/mnt/x");
        assertThatThrownBy(() -> writer.check(image, backing, false)).hasMessageContaining("/dev/loop5p1 is mounted at /mnt/x");
    }

    @Test
    void splitsDeviceNumbersAsGlibcDoes() {
        assertThat(ImageWriter.major(0x0811)).isEqualTo(8);
        assertThat(ImageWriter.minor(0x0811)).isEqualTo(17);
        // makedev(259, 0x12345) and makedev(0x12345, 7): the high halves live above bit 32 and bit 20
        long dev = ((259L & 0xfffff000L) << 32) | ((259L & 0xfff) << 8) | ((0x12345L & 0xffffff00L) << 12) | (0x12345L & 0xff);
        assertThat(ImageWriter.major(dev)).isEqualTo(259);
        assertThat(ImageWriter.minor(dev)).isEqualTo(0x12345);
        long dev2 = ((0x12345L & 0xfffff000L) << 32) | ((0x12345L & 0xfff) << 8) | 7;
        assertThat(ImageWriter.major(dev2)).isEqualTo(0x12345);
        assertThat(ImageWriter.minor(dev2)).isEqualTo(7);
    }

    private WriteTarget block(String name, boolean force) {
        return writer.checkBlock(Path.of("/dev/" + name), Path.of("/dev/" + name), name, Files.exists(image) ? 9 * MIB + 123 : 0, force);
    }
}
