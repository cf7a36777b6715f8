package io.kubermesh.image.build;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.image.internal.Command;
import io.kubermesh.image.internal.Sha256;
import io.kubermesh.image.internal.Tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * kubermesh's IPv6-first iPXE, built from an iPXE source tree ({@code image build --ipxe-source
 * DIR}: Debian's source package unpacked by {@code apt-get source ipxe}, or a checkout of iPXE) with
 * IPv6 enabled and an embedded script ({@link #SCRIPT}) that configures IPv6 only and chains the
 * boot file DHCPv6 named. Debian's iPXE runs every configurator and waits for DHCPv4 to give up
 * (about 15 s) at every iPXE stage of an IPv6-only link; this one does not. Without a source tree
 * there is no build: {@link #build} returns null and the image serves Debian's loaders, and says so.
 *
 * <p>The build is a layer of the {@link LayerCache}, keyed by the content of the source tree (its
 * {@code src/}, without build outputs), the script, the configuration and the compiler, so it runs
 * once per source. The tree is copied first; the operator's tree is never written to.
 */
final class IpxeBuild {
    /** The make targets and the names the node serves them under ({@link RootLayer#DEBIAN_LOADERS}). */
    static final Map<String, String> TARGETS = targets();
    /**
     * The embedded script. {@code ifconf --configurator ipv6} runs router discovery and, as the
     * router advertisement's flags ask, DHCPv6, and nothing else; {@code ${filename}} is then the
     * boot file URL of the DHCPv6 reply (option 59), which kubermesh's boot services give iPXE's
     * user class as the node's {@code boot.ipxe}. Should that fail, iPXE's usual {@code autoboot}
     * (every configurator, DHCPv4 included) is the fallback.
     */
    static final String SCRIPT = """
            #!ipxe
            echo kubermesh iPXE: IPv6 first, no DHCPv4 wait
            ifconf --configurator ipv6 && chain ${filename} ||
            echo kubermesh iPXE: no boot over IPv6 (${errno}); trying every configurator
            autoboot
            """;
    /** Written as {@code src/config/local/general.h}: iPXE's default build has no IPv6. */
    static final String LOCAL_GENERAL_H = """
            /* kubermesh: the mesh is IPv6 only. */
            #define NET_PROTO_IPV6
            """;
    /** In every built EFI loader (the BIOS ones are compressed): proof the script was embedded. */
    static final String MARKER = "kubermesh iPXE: IPv6 first";

    private final Path source;

    private IpxeBuild(Path source) {
        this.source = source;
    }

    /** No source tree: Debian's loaders are served. */
    static IpxeBuild none() {
        return new IpxeBuild(null);
    }

    /**
     * The tree at {@code source}, checked to be an iPXE source tree ({@code src/Makefile} and
     * {@code src/config/general.h}); {@code source} may also be the tree's {@code src/} itself.
     */
    static IpxeBuild from(Path source) {
        Path dir = source.toAbsolutePath().normalize();
        if (Files.isRegularFile(dir.resolve("Makefile")) && Files.isDirectory(dir.resolve("config"))
                && dir.getFileName() != null && dir.getFileName().toString().equals("src")) {
            dir = dir.getParent();
        }
        if (!Files.isRegularFile(dir.resolve("src/Makefile")) || !Files.isRegularFile(dir.resolve("src/config/general.h"))) {
            throw new ConfigurationException("--ipxe-source", source.toString(), "an iPXE source tree (with src/Makefile and "
                    + "src/config/general.h): apt-get source ipxe (with a deb-src line in the apt sources), or a checkout of "
                    + "https://github.com/ipxe/ipxe");
        }
        return new IpxeBuild(dir);
    }

    boolean given() {
        return source != null;
    }

    /** The directory holding the built loaders under their served names, or null when no source was given. */
    Path build(LayerCache cache, Consumer<String> log, Map<String, Boolean> cached) throws IOException {
        if (source == null) {
            log.accept("loaders: Debian's iPXE, which waits about 15 s for DHCPv4 at every iPXE stage on the IPv6-only"
                    + " mesh (image build --ipxe-source DIR builds kubermesh's IPv6-first iPXE instead)");
            return null;
        }
        requireTools();
        String description = describe();
        return cache.get("ipxe", description, dir -> compile(dir, log), hit -> {
            cached.put("ipxe", hit);
            if (hit) {
                log.accept("loaders: kubermesh's iPXE from " + source + " (cached)");
            }
        });
    }

    static void requireTools() {
        Tools.require(HostRequirements.IPXE_BUILD_PROGRAMS);
        if (!Files.isRegularFile(HostRequirements.LZMA_HEADER.path())) {
            throw new EnvironmentException("the iPXE build needs " + HostRequirements.LZMA_HEADER.path() + " ("
                    + HostRequirements.LZMA_HEADER.purpose() + ")", HostRequirements.LZMA_HEADER.remedy());
        }
    }

    /** The layer's inputs: what makes a build differ. */
    String describe() throws IOException {
        String compiler = Command.of(HostRequirements.GCC.args("--version")).run().lines().findFirst().orElse("");
        return "kubermesh-ipxe-1\n"
                + "source " + treeHash(source.resolve("src")) + "\n"
                + "script " + Sha256.of(SCRIPT) + "\n"
                + "config " + Sha256.of(LOCAL_GENERAL_H) + "\n"
                + "targets " + String.join(" ", TARGETS.keySet()) + "\n"
                + "compiler " + compiler + "\n";
    }

    /**
     * SHA-256 over every file of {@code src} but build outputs ({@code bin}, {@code bin-*}) and
     * {@code config/local} (which this build writes): each relative path with its content's hash
     * (a symbolic link's target), in path order.
     */
    static String treeHash(Path src) throws IOException {
        StringBuilder listing = new StringBuilder();
        for (Path f : sourceFiles(src)) {
            String rel = src.relativize(f).toString();
            String content = Files.isSymbolicLink(f) ? "link " + Files.readSymbolicLink(f) : Sha256.of(Files.readAllBytes(f));
            listing.append(rel).append(' ').append(content).append('\n');
        }
        return Sha256.of(listing.toString());
    }

    private static List<Path> sourceFiles(Path src) throws IOException {
        try (Stream<Path> all = Files.walk(src)) {
            return all.filter(f -> !isBuildOutput(src.relativize(f)))
                    .filter(f -> Files.isSymbolicLink(f) || Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS))
                    .sorted().toList();
        }
    }

    private static boolean isBuildOutput(Path rel) {
        if (rel.getNameCount() == 0) {
            return false;
        }
        String top = rel.getName(0).toString();
        return top.equals("bin") || top.startsWith("bin-") || rel.startsWith(Path.of("config", "local"));
    }

    private void compile(Path dir, Consumer<String> log) throws IOException {
        int jobs = Runtime.getRuntime().availableProcessors();
        log.accept("loaders: building kubermesh's IPv6-first iPXE from " + source + " (make -j" + jobs + ", "
                + TARGETS.size() + " loaders; a few minutes)");
        Path work = dir.resolve("work");
        try {
            copyTree(source.resolve("src"), work.resolve("src"));
            Files.createDirectories(work.resolve("src/config/local"));
            Files.writeString(work.resolve("src/config/local/general.h"), LOCAL_GENERAL_H);
            Path script = work.resolve("kubermesh.ipxe");
            Files.writeString(script, SCRIPT);
            // NO_WERROR: older trees warn under newer compilers. -fcommon: trees before 2020 define
            // symbols such as _shared_bss in several drivers, which gcc 10 and later refuse by default.
            List<String> args = new ArrayList<>(List.of("-C", work.resolve("src").toString(), "-j" + jobs,
                    "NO_WERROR=1", "EXTRA_CFLAGS=-fcommon", "EMBED=" + script));
            args.addAll(TARGETS.keySet());
            Command.of(HostRequirements.MAKE.args(args)).timeout(3600).log(line -> {
                if (line.contains("[FINISH]")) {
                    log.accept("loaders: built " + line.substring(line.indexOf("[FINISH]") + 8).strip());
                }
            }).run();
            for (Map.Entry<String, String> t : TARGETS.entrySet()) {
                Path built = work.resolve("src").resolve(t.getKey());
                check(built);
                Files.copy(built, dir.resolve(t.getValue()), StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            RootLayer.deleteTree(work);
        }
    }

    /** A loader make says it built: present, and an EFI one carries the embedded script. */
    static void check(Path built) throws IOException {
        if (!Files.isRegularFile(built) || Files.size(built) == 0) {
            throw new IOException("the iPXE build did not make " + built);
        }
        if (built.toString().endsWith(".efi")) {
            byte[] bytes = Files.readAllBytes(built);
            if (bytes.length < 2 || bytes[0] != 'M' || bytes[1] != 'Z') {
                throw new IOException(built + " is not an EFI executable");
            }
            if (!new String(bytes, StandardCharsets.ISO_8859_1).contains(MARKER)) {
                throw new IOException(built + " does not carry kubermesh's embedded script (was EMBED= ignored?)");
            }
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        for (Path f : sourceFiles(from)) {
            Path dest = to.resolve(from.relativize(f).toString());
            Files.createDirectories(dest.getParent());
            try {
                Files.copy(f, dest, LinkOption.NOFOLLOW_LINKS, StandardCopyOption.COPY_ATTRIBUTES);
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }
    }

    private static Map<String, String> targets() {
        Map<String, String> t = new LinkedHashMap<>();
        t.put("bin-x86_64-efi/snponly.efi", "snponly.efi");
        t.put("bin-x86_64-efi/ipxe.efi", "ipxe.efi");
        t.put("bin/undionly.kpxe", "undionly.kpxe");
        t.put("bin/ipxe.lkrn", "ipxe.lkrn");
        return java.util.Collections.unmodifiableMap(t);
    }
}
