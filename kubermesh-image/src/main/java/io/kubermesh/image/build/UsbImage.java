package io.kubermesh.image.build;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.image.internal.Command;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Writes the first machine's GPT disk image without loop devices or root's mount: the ESP is made
 * in a file with {@code mkfs.vfat -C} and filled with {@code mcopy}, the data partition with
 * {@code mkfs.ext4 -d} from a staging directory, the partition table with {@code sfdisk} on the
 * image file, and both file systems copied in at their offsets. Volume IDs, GUIDs and the ext4 hash
 * seed come from {@code seed}, times from {@code SOURCE_DATE_EPOCH} ({@code mkfs.vfat --invariant},
 * {@code E2FSPROGS_FAKE_TIME}, {@code mcopy -m} of files dated to it), so the same inputs give the
 * same image.
 */
final class UsbImage {
    private UsbImage() {
    }

    static void write(Path image, DiskLayout layout, Path espDir, Path dataDir, String seed, long epoch, Path work)
            throws IOException {
        Path esp = work.resolve("esp.img");
        Path data = work.resolve("data.img");
        Files.deleteIfExists(esp);
        Files.deleteIfExists(data);
        String volumeId = uuid(seed, "esp-volume").toString().substring(0, 8);
        touchTree(espDir, epoch);
        Command.of(HostRequirements.MKFS_VFAT.args("-C", "-F", "32", "-n", "KUBERMESH", "-i", volumeId, "--invariant", esp.toString(),
                Long.toString(layout.espBytes() / 1024))).run();
        List<String> copy = new ArrayList<>(List.of("-i", esp.toString(), "-s", "-m", "-Q"));
        try (Stream<Path> s = Files.list(espDir)) {
            s.sorted().forEach(p -> copy.add(p.toString()));
        }
        copy.add("::/");
        Command.of(HostRequirements.MCOPY.args(copy)).env("MTOOLS_SKIP_CHECK", "1").env("SOURCE_DATE_EPOCH", Long.toString(epoch)).run();

        touchTree(dataDir, epoch);
        UUID fs = uuid(seed, "data-fs");
        Command.of(HostRequirements.MKFS_EXT4.args("-q", "-F", "-L", "kmdata", "-U", fs.toString(), "-E",
                        "root_owner=0:0,hash_seed=" + uuid(seed, "data-hash"), "-d", dataDir.toString(), data.toString(),
                        (layout.dataBytes() / 1024) + "k"))
                .env("E2FSPROGS_FAKE_TIME", Long.toString(epoch)).run();

        Files.deleteIfExists(image);
        try (FileChannel c = FileChannel.open(image, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            c.truncate(0);
            c.position(layout.totalBytes() - 1);
            c.write(java.nio.ByteBuffer.wrap(new byte[1]));
        }
        Command.of(HostRequirements.SFDISK.args("--no-reread", "--no-tell-kernel", "-q", image.toString()))
                .run(layout.sfdiskScript(uuid(seed, "disk"), uuid(seed, "esp"), uuid(seed, "data"), false)
                        .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        place(image, esp, layout.espOffset(), layout.espBytes());
        place(image, data, layout.dataOffset(), layout.dataBytes());
        Files.delete(esp);
        Files.delete(data);
    }

    /** A GUID derived from the build's seed, stable for the same seed. */
    static UUID uuid(String seed, String what) {
        return UUID.nameUUIDFromBytes(("kubermesh-usb:" + seed + ":" + what).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static void place(Path image, Path part, long offset, long max) throws IOException {
        long size = Files.size(part);
        if (size > max) {
            throw new IllegalStateException(part + " is " + size + " octets, its partition " + max);
        }
        try (FileChannel in = FileChannel.open(part); FileChannel out = FileChannel.open(image, StandardOpenOption.WRITE)) {
            long done = 0;
            while (done < size) {
                done += in.transferTo(done, size - done, out.position(offset + done));
            }
        }
    }

    private static void touchTree(Path dir, long epoch) throws IOException {
        java.nio.file.attribute.FileTime t = java.nio.file.attribute.FileTime.fromMillis(epoch * 1000);
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                Files.setLastModifiedTime(p, t);
            }
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
