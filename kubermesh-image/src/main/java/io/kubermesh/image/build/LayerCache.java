package io.kubermesh.image.build;

import io.kubermesh.image.internal.Sha256;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Built layers, each in {@code CACHE/NAME-KEY/} where KEY is the first 16 hex digits of the
 * SHA-256 of the text describing its inputs (the layer's recipe, the JDK release, the jars'
 * hashes). A layer is built into a temporary directory and renamed into place when complete, so an
 * interrupted build leaves nothing that looks built. One build holds the cache's lock at a time.
 *
 * <p>Each layer that serves a build is marked used ({@code .used}'s time). When the build ends,
 * of each layer name only the {@value #KEEP} most recently used are kept: every new agent jar is a
 * new 50 MB agent layer, and a cache nothing prunes grew to a gigabyte in a few days here. The
 * images built are copies, so pruning the cache never touches one.
 */
final class LayerCache implements AutoCloseable {
    /** Builds a layer's files into the directory it is given. */
    interface Builder {
        void build(Path dir) throws IOException;
    }

    /** Layers kept of each name: the one a build used and the one before (a rebuild after going back one commit is a hit). */
    static final int KEEP = 2;
    private static final java.util.regex.Pattern LAYER = java.util.regex.Pattern.compile("([a-z]+)-[0-9a-f]{16}");

    private final Path root;
    private final FileChannel lockFile;
    private final FileLock lock;
    private final Consumer<String> log;
    private final java.util.Set<String> used = new java.util.HashSet<>();

    LayerCache(Path root, Consumer<String> log) throws IOException {
        this.root = Files.createDirectories(root);
        this.log = log;
        this.lockFile = FileChannel.open(root.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock l = lockFile.tryLock();
        if (l == null) {
            log.accept("cache " + root + " is in use by another build; waiting");
            l = lockFile.lock();
        }
        this.lock = l;
    }

    Path root() {
        return root;
    }

    static String key(String description) {
        return Sha256.of(description).substring(0, 16);
    }

    /** The layer's directory, built first if the cache does not have it; {@code hit} says which. */
    Path get(String name, String description, Builder builder, Consumer<Boolean> hit) throws IOException {
        Path dir = root.resolve(name + "-" + key(description));
        if (Files.isRegularFile(dir.resolve(".complete"))) {
            hit.accept(true);
            markUsed(dir);
            return dir;
        }
        hit.accept(false);
        Path tmp = root.resolve(name + "-" + key(description) + ".partial");
        RootLayer.deleteTree(tmp);
        RootLayer.deleteTree(dir);
        Files.createDirectories(tmp);
        Files.writeString(tmp.resolve("inputs.txt"), description);
        builder.build(tmp);
        Files.writeString(tmp.resolve(".complete"), "");
        Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
        markUsed(dir);
        return dir;
    }

    private void markUsed(Path dir) throws IOException {
        Path mark = dir.resolve(".used");
        Files.writeString(mark, "");
        Files.setLastModifiedTime(mark, java.nio.file.attribute.FileTime.from(java.time.Instant.now()));
        used.add(dir.getFileName().toString());
    }

    /**
     * Removes, of each layer name, every complete layer but the {@value #KEEP} most recently used
     * (a layer never marked counts by when it was completed); never one this build used. Says what
     * it removed and how much it freed; a layer it cannot remove is said and left.
     */
    void prune() {
        java.util.Map<String, java.util.List<Path>> byName = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> all = Files.list(root)) {
            all.filter(Files::isDirectory).filter(d -> Files.isRegularFile(d.resolve(".complete"))).forEach(d -> {
                var m = LAYER.matcher(d.getFileName().toString());
                if (m.matches()) {
                    byName.computeIfAbsent(m.group(1), n -> new java.util.ArrayList<>()).add(d);
                }
            });
        } catch (IOException e) {
            log.accept("cache " + root + ": cannot list it to prune old layers: " + e.getMessage());
            return;
        }
        for (java.util.List<Path> layers : byName.values()) {
            layers.sort(java.util.Comparator.comparing(LayerCache::lastUsed).reversed());
            for (Path old : layers.subList(Math.min(KEEP, layers.size()), layers.size())) {
                if (used.contains(old.getFileName().toString())) {
                    continue;
                }
                long bytes = size(old);
                Instant since = lastUsed(old).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                try {
                    RootLayer.deleteTree(old);
                    log.accept(String.format(java.util.Locale.ROOT, "cache: removed layer %s, unused since %s (%.1f MiB)",
                            old.getFileName(), since, bytes / 1048576.0));
                } catch (IOException | RuntimeException e) {
                    log.accept("cache: cannot remove old layer " + old + ": " + e.getMessage());
                }
            }
        }
    }

    private static java.nio.file.attribute.FileTime lastUsed(Path layer) {
        for (String mark : new String[] {".used", ".complete"}) {
            try {
                return Files.getLastModifiedTime(layer.resolve(mark));
            } catch (IOException e) {
                // the next mark
            }
        }
        return java.nio.file.attribute.FileTime.fromMillis(0);
    }

    private static long size(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockFile.close();
    }
}
