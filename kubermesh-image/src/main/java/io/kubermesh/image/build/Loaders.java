package io.kubermesh.image.build;

import io.kubermesh.image.cpio.CpioEntry;
import io.kubermesh.image.cpio.CpioWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The iPXE loaders a node serves, at {@value NodeFiles#LOADERS} in the image (the agent's TFTP root
 * and its UEFI HTTP boot files) and in {@code netboot/ipxe/}: the default names
 * ({@code snponly.efi}, {@code ipxe.efi}, {@code undionly.kpxe}, {@code ipxe.lkrn}) are kubermesh's
 * IPv6-first build when it is available ({@link IpxeBuild}), Debian's otherwise; Debian's are
 * always kept in {@code debian/} as the fallback a cluster file can name
 * ({@code cluster.boot.uefiBootFile: debian/snponly.efi}).
 */
final class Loaders {
    private Loaders() {
    }

    static Path layer(LayerCache cache, IpxeBuild ipxe, Path root, long epoch, Consumer<String> log,
                      Map<String, Boolean> cached) throws IOException {
        Path built = ipxe.build(cache, log, cached);
        Path source = built != null ? built : root.resolve("ipxe-debian");
        String description = "kubermesh-loaders-1\n" + (built != null ? "ipxe " + built.getFileName() : "debian "
                + root.getFileName()) + "\n";
        return cache.get("loaders", description, dir -> {
            Files.writeString(dir.resolve("origin"), built != null ? "kubermesh\n" : "debian\n");
            try (Zstd z = Zstd.to(dir.resolve("loaders.cpio.zst"), ImageBuilder.AGENT_ZSTD)) {
                OutputStream out = z.stream();
                CpioWriter cpio = new CpioWriter(out);
                String loaders = NodeFiles.LOADERS.substring(1);
                for (String name : RootLayer.DEBIAN_LOADERS) {
                    Path f = source.resolve(name);
                    add(cpio, loaders + "/" + name, f, epoch);
                    Files.copy(f, dir.resolve(name));
                }
                // Debian's stay in debian/ beside them: the root layer puts them there (RootLayer)
                cpio.finish();
                out.flush();
            }
        }, hit -> cached.put("loaders", hit));
    }

    private static void add(CpioWriter cpio, String name, Path file, long epoch) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            cpio.add(CpioEntry.file(name, 0644, epoch, Files.size(file)), in);
        }
    }

    /** {@code netboot/ipxe}: the default loaders and Debian's in {@code debian/}. */
    static void copyTftpRoot(Path loaders, Path root, Path dest) throws IOException {
        Files.createDirectories(dest.resolve("debian"));
        for (String name : RootLayer.DEBIAN_LOADERS) {
            Files.copy(loaders.resolve(name), dest.resolve(name));
            Files.copy(root.resolve("ipxe-debian").resolve(name), dest.resolve("debian").resolve(name));
        }
    }

    static List<String> names() {
        return RootLayer.DEBIAN_LOADERS;
    }
}
