package io.kubermesh.image.write;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.image.internal.Sha256;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code image write} on a real loop device over a file in a temporary directory (never a real
 * disk): partitioned with sfdisk, an ext4 partition mounted, refused; unmounted, written, read back
 * with O_DIRECT and checked again by {@code dd iflag=direct | sha256sum}. The disk this host runs
 * from is refused by {@link ImageWriter#check} only: nothing here ever opens it for writing.
 */
class ImageWriteIT {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void refusesAMountedLoopDeviceThenWritesAndVerifiesIt() throws Exception {
        requireRoot();
        for (String[] t : List.of(new String[] {"losetup", "mount"}, new String[] {"sfdisk", "fdisk"},
                new String[] {"mkfs.ext4", "e2fsprogs"}, new String[] {"sha256sum", "coreutils"})) {
            require(t[0], t[1]);
        }
        Path disk = dir.resolve("kmbm-disk.img");
        try (RandomAccessFile f = new RandomAccessFile(disk.toFile(), "rw")) {
            f.setLength(48L * MIB);
        }
        byte[] bytes = new byte[16 * MIB];
        new Random(14).nextBytes(bytes);
        Path image = Files.write(dir.resolve("usb.img"), bytes);
        Path mnt = Files.createDirectory(dir.resolve("kmbm-mnt"));
        List<String> progress = new ArrayList<>();
        ImageWriter writer = new ImageWriter(BlockDevices.system(), progress::add);

        String loop = null;
        boolean mounted = false;
        try {
            loop = run(null, "losetup", "--find", "--show", "--partscan", disk.toString()).strip();
            run("label: gpt\n,24M,U\n", "sfdisk", "--no-reread", "--no-tell-kernel", loop);
            run(null, "partx", "--update", loop);
            Path part = Path.of(loop + "p1");
            for (int i = 0; i < 50 && !Files.exists(part); i++) {
                Thread.sleep(100);
            }
            assertThat(part).as("the partition's device node").exists();
            // ext4, not vfat: this machine's kernel has no vfat (see /proc/filesystems); what is mounted does not matter here
            run(null, "mkfs.ext4", "-q", part.toString());
            run(null, "mount", part.toString(), mnt.toString());
            mounted = true;
            String name = Path.of(loop).getFileName().toString();

            Path device = Path.of(loop);
            assertThatThrownBy(() -> writer.check(image, device, false)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("/dev/" + name + "p1 is mounted at " + mnt);
            assertThatThrownBy(() -> writer.check(image, disk, false)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("/dev/" + name + "p1 is mounted at " + mnt);
            assertThatThrownBy(() -> writer.check(image, part, false)).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("not partition " + name + "p1 of /dev/" + name);

            run(null, "umount", mnt.toString());
            mounted = false;
            WriteTarget target = writer.check(image, device, false);
            assertThat(target.block()).isTrue();
            assertThat(target.bytes()).isEqualTo(48L * MIB);
            WriteResult r = writer.write(image, target);
            assertThat(r.sha256()).isEqualTo(Sha256.of(image));
            assertThat(progress).anyMatch(l -> l.contains("(100%)")).anyMatch(l -> l.startsWith("verified:"))
                    .noneMatch(l -> l.contains("page cache"));
            String dd = run(null, "sh", "-c", "dd if=" + loop + " bs=1M count=16 iflag=direct status=none | sha256sum");
            assertThat(dd).startsWith(r.sha256());

            Path small = Files.write(dir.resolve("big.img"), new byte[64 * MIB]);
            assertThatThrownBy(() -> writer.check(small, device, false)).hasMessageContaining("at least 64.0 MiB");
        } finally {
            if (mounted) {
                runQuietly("umount", mnt.toString());
            }
            if (loop != null) {
                runQuietly("losetup", "--detach", loop);
            }
        }
    }

    @Test
    void refusesTheDiskThisHostRunsFromWithoutOpeningIt() throws Exception {
        requireRoot();
        BlockDevices devices = BlockDevices.system();
        BlockDevices.Mount root = devices.mounts().stream().filter(m -> m.mountPoint().equals("/")).findFirst().orElseThrow();
        String name = devices.nameOf(root.majorMinor()).orElse(null);
        if (name == null) {
            // "/" on overlay or tmpfs (a container): no disk to refuse; say so rather than pass silently
            System.err.println("/ is not on a block device here (" + root + "): nothing to refuse");
            return;
        }
        String disk = devices.disksUnder(name).iterator().next();
        Path image = Files.write(dir.resolve("usb.img"), new byte[4096]);
        // check() alone: it throws before anything opens the device
        assertThatThrownBy(() -> new ImageWriter(devices, l -> { }).check(image, Path.of("/dev/" + disk), true))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("/dev/" + disk + " holds / of the running system");
    }

    private static void requireRoot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new AssertionError("ImageWriteIT needs root (losetup, mount): run it as root");
        }
    }

    private static void require(String program, String debianPackage) {
        for (String d : List.of("/usr/sbin", "/usr/bin", "/sbin", "/bin")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return;
            }
        }
        throw new AssertionError(program + " is missing: apt-get install -y " + debianPackage);
    }

    private static String run(String stdin, String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    private static void runQuietly(String... command) {
        try {
            run(null, command);
        } catch (Exception | AssertionError e) {
            System.err.println("cleanup: " + e.getMessage());
        }
    }
}
