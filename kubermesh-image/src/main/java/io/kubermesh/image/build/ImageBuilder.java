package io.kubermesh.image.build;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.image.cpio.CpioEntry;
import io.kubermesh.image.cpio.CpioWriter;
import io.kubermesh.image.internal.Tools;
import io.kubermesh.image.node.NodeLayout;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code kubermesh image build}: the node OS from Debian packages, as layers cached by their
 * inputs, joined into one initrd (the kernel unpacks concatenated cpio archives in order, later
 * files replacing earlier ones), written as the netboot image and the first machine's USB image
 * with a manifest. See docs/image.md.
 *
 * <pre>
 * initrd.img = root.cpio.zst    Debian packages, pruned       cache: recipe
 *            + java.cpio.zst    jlinked JDK 17                cache: JDK release, modules
 *            + os.cpio.zst      units, port naming, wrapper   built every time (milliseconds)
 *            + loaders.cpio.zst iPXE loaders to serve         cache: iPXE build inputs
 *            + agent.cpio.zst   kubermesh-cli.jar and lib/    cache: jar hashes
 * </pre>
 */
public final class ImageBuilder {
    static final int ROOT_ZSTD = 12;
    static final int AGENT_ZSTD = 3;
    public static final long DATA_BYTES = 512 * DiskLayout.MIB;

    private ImageBuilder() {
    }

    public static ImageResult build(ImageRequest r) throws IOException {
        ClusterConfig.parse(r.clusterYaml(), r.clusterSource());
        IpxeBuild ipxe = r.ipxe();
        if (ipxe.given()) {
            IpxeBuild.requireTools();
        }
        // jlink is the found JDK's own (JavaRuntime.jdk checks it), not the one on PATH.
        Tools.require(HostRequirements.IMAGE_BUILD_PROGRAMS.stream().filter(p -> p != HostRequirements.JLINK).toList());
        Path jdk = JavaRuntime.jdk();
        long started = System.nanoTime();
        Map<String, Double> seconds = new LinkedHashMap<>();
        Map<String, Boolean> cached = new LinkedHashMap<>();
        long epoch = r.recipe().sourceDateEpoch();
        Path out = Files.createDirectories(r.output().toAbsolutePath());
        try (LayerCache cache = new LayerCache(r.cache(), r.log())) {
            long t = System.nanoTime();
            Path root = cache.get("root", r.recipe().describe(),
                    dir -> RootLayer.build(r.recipe(), cache.root().resolve("debs"), dir, ROOT_ZSTD, r.log()),
                    hit -> cached.put("root", hit));
            t = step(seconds, "root", t, r, cached.get("root"));
            Path jre = cache.get("java", JavaRuntime.describe(jdk), dir -> JavaRuntime.build(jdk, dir, epoch, ROOT_ZSTD, r.log()),
                    hit -> cached.put("java", hit));
            t = step(seconds, "java", t, r, cached.get("java"));
            Path loaders = Loaders.layer(cache, ipxe, root, epoch, r.log(), cached);
            t = step(seconds, "loaders", t, r, cached.get("loaders"));
            Path agent = cache.get("agent", r.agent().describe(), dir -> {
                try (Zstd z = Zstd.to(dir.resolve("agent.cpio.zst"), AGENT_ZSTD)) {
                    r.agent().archive(z.stream(), epoch);
                    z.stream().flush();
                }
            }, hit -> cached.put("agent", hit));
            t = step(seconds, "agent", t, r, cached.get("agent"));

            Path work = Files.createDirectories(out.resolve(".work"));
            Path os = work.resolve("os.cpio.zst");
            try (Zstd z = Zstd.to(os, ROOT_ZSTD)) {
                osLayer(z.stream(), epoch);
            }
            Path netboot = out.resolve("netboot");
            RootLayer.deleteTree(netboot);
            Path kernel = Files.createDirectories(netboot.resolve(EspContents.NETBOOT_DIR));
            Files.copy(root.resolve("vmlinuz"), netboot.resolve(EspContents.KERNEL));
            concatenate(netboot.resolve(EspContents.INITRD), root.resolve("root.cpio.zst"), jre.resolve("java.cpio.zst"),
                    os, loaders.resolve("loaders.cpio.zst"), agent.resolve("agent.cpio.zst"));
            Loaders.copyTftpRoot(loaders, root, netboot.resolve("ipxe"));
            t = step(seconds, "netboot", t, r, null);

            String token = HexFormat.of().formatHex(random(32));
            Path espDir = work.resolve("esp");
            Path dataDir = work.resolve("data");
            RootLayer.deleteTree(espDir);
            RootLayer.deleteTree(dataDir);
            Files.createDirectories(espDir.resolve("EFI/BOOT"));
            Files.createDirectories(espDir.resolve("loader/entries"));
            Files.copy(root.resolve("systemd-bootx64.efi"), espDir.resolve(EspContents.BOOT_LOADER));
            Files.writeString(espDir.resolve("loader/loader.conf"), EspContents.loaderConf());
            Files.writeString(espDir.resolve("loader/entries/kubermesh.conf"), EspContents.entry());
            Files.createDirectories(espDir.resolve(EspContents.NETBOOT_DIR));
            Files.copy(netboot.resolve(EspContents.KERNEL), espDir.resolve(EspContents.KERNEL));
            Files.copy(netboot.resolve(EspContents.INITRD), espDir.resolve(EspContents.INITRD));
            Files.createDirectories(dataDir);
            Path ignition = dataDir.resolve(NodeLayout.IGNITION_FILE);
            Files.writeString(ignition, FirstMachine.config(r.clusterYaml(), token).render());
            Files.setPosixFilePermissions(ignition, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            long espBytes = espSize(Files.size(netboot.resolve(EspContents.KERNEL)) + Files.size(netboot.resolve(EspContents.INITRD)));
            DiskLayout layout = new DiskLayout(espBytes, DATA_BYTES);
            Path usb = out.resolve("usb.img");
            UsbImage.write(usb, layout, espDir, dataDir, token, epoch, work);
            t = step(seconds, "usb", t, r, null);

            RootLayer.deleteTree(work);
            Path manifest = out.resolve("manifest.json");
            Manifest.write(manifest, r, root, jre, loaders, agent, out, layout, cached);
            step(seconds, "manifest", t, r, null);
            // the image holds copies of the layers: the cache keeps only the latest of each
            cache.prune();
            seconds.put("total", (System.nanoTime() - started) / 1e9);
            r.log().accept(String.format(java.util.Locale.ROOT, "image: done in %.1f s: %s, %s, %s", seconds.get("total"),
                    usb, netboot, manifest));
            return new ImageResult(out, usb, netboot, manifest, seconds, cached);
        }
    }

    /** Twice what the kernel and initrd take (room for the next image beside this one), at least 256 MiB, in 64 MiB steps. */
    static long espSize(long contents) {
        long want = Math.max(256 * DiskLayout.MIB, 2 * contents + 32 * DiskLayout.MIB);
        long step = 64 * DiskLayout.MIB;
        return (want + step - 1) / step * step;
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new SecureRandom().nextBytes(b);
        return b;
    }

    private static long step(Map<String, Double> seconds, String name, long since, ImageRequest r, Boolean hit) {
        long now = System.nanoTime();
        double s = (now - since) / 1e9;
        seconds.put(name, s);
        r.log().accept(String.format(java.util.Locale.ROOT, "image: %s %s in %.1f s", name,
                hit == null ? "written" : hit ? "from the cache" : "built", s));
        return now;
    }

    /** The node OS's own files ({@link NodeFiles}) as a cpio archive. */
    static void osLayer(OutputStream out, long epoch) throws IOException {
        CpioWriter cpio = new CpioWriter(out);
        java.util.Set<String> dirs = new java.util.TreeSet<>();
        List<OsFile> files = NodeFiles.all();
        for (OsFile f : files) {
            String p = f.path().substring(1);
            for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
                dirs.add(p.substring(0, i));
            }
        }
        for (String d : dirs) {
            cpio.add(CpioEntry.directory(d, 0755, epoch));
        }
        for (OsFile f : files) {
            String p = f.path().substring(1);
            if (f.link()) {
                cpio.addSymlink(p, f.text(), epoch);
            } else {
                byte[] b = f.text().getBytes(StandardCharsets.UTF_8);
                cpio.add(CpioEntry.file(p, f.mode(), epoch, b.length), b);
            }
        }
        cpio.finish();
        out.flush();
    }

    private static void concatenate(Path target, Path... parts) throws IOException {
        try (OutputStream o = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (Path p : parts) {
                Files.copy(p, o);
            }
        }
    }
}
