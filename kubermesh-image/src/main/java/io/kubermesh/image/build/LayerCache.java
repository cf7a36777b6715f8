package io.kubermesh.image.build;

import io.kubermesh.image.internal.Sha256;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.function.Consumer;

/**
 * Built layers, each in {@code CACHE/NAME-KEY/} where KEY is the first 16 hex digits of the
 * SHA-256 of the text describing its inputs (the layer's recipe, the JDK release, the jars'
 * hashes). A layer is built into a temporary directory and renamed into place when complete, so an
 * interrupted build leaves nothing that looks built. One build holds the cache's lock at a time.
 */
final class LayerCache implements AutoCloseable {
    /** Builds a layer's files into the directory it is given. */
    interface Builder {
        void build(Path dir) throws IOException;
    }

    private final Path root;
    private final FileChannel lockFile;
    private final FileLock lock;

    LayerCache(Path root, Consumer<String> log) throws IOException {
        this.root = Files.createDirectories(root);
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
        return dir;
    }

    @Override
    public void close() throws IOException {
        lock.release();
        lockFile.close();
    }
}
