package io.kubermesh.addressing.ipam;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubermesh.addressing.DurableFile;
import io.kubermesh.api.AllocationException;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.spi.AllocationStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * An {@link AllocationStore} in a directory: one JSON file per pool, replaced durably
 * ({@link DurableFile}), so a crash at any point leaves the last complete table. A
 * compare-and-set holds an exclusive lock on {@code POOL.lock} (an OS file lock against other
 * processes, a JVM lock against other threads and other store instances on the same directory),
 * re-reads the version under the lock and writes only if it is unchanged. Temporary files a crash
 * left behind are removed under the same lock.
 */
public final class FileAllocationStore implements AllocationStore {
    private static final Pattern POOL = Pattern.compile("[a-z0-9][a-z0-9.-]{0,62}");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** One JVM lock per lock file: FileLock is per process, so threads must queue before it. */
    private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private final Path directory;
    private final DurableFile.StepListener steps;

    public FileAllocationStore(Path directory) {
        this(directory, DurableFile.StepListener.NONE);
    }

    /** With a hook called between the steps of every write, for crash-injection tests. */
    FileAllocationStore(Path directory, DurableFile.StepListener steps) {
        this.steps = steps;
        try {
            Files.createDirectories(directory);
            this.directory = directory.toRealPath();
        } catch (IOException e) {
            throw new ConfigurationException("store directory", directory.toString(),
                    "a writable directory (" + e + ")");
        }
    }

    public Path directory() {
        return directory;
    }

    @Override
    public Snapshot read(String pool) {
        Path file = file(pool);
        try {
            byte[] bytes = Files.readAllBytes(file);
            JsonNode n = JSON.readTree(bytes);
            if (n == null || !n.has("version") || !n.has("entries")) {
                throw new AllocationException("allocation file " + file + " is damaged: it lacks version or entries");
            }
            Map<String, String> entries = JSON.convertValue(n.get("entries"), new TypeReference<TreeMap<String, String>>() { });
            return new Snapshot(n.get("version").asLong(), entries);
        } catch (NoSuchFileException e) {
            return Snapshot.EMPTY;
        } catch (IOException e) {
            throw new AllocationException("cannot read allocation file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean compareAndSet(String pool, long expectedVersion, Map<String, String> entries) {
        Path lockFile = directory.resolve(pool + ".lock");
        ReentrantLock jvmLock = JVM_LOCKS.computeIfAbsent(lockFile, p -> new ReentrantLock());
        jvmLock.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            // Holding the pool's lock, no other writer is between its steps: temporary files of this
            // pool are leftovers of a crash.
            DurableFile.sweep(directory, pool + ".json");
            Snapshot current = read(pool);
            if (current.version() != expectedVersion) {
                return false;
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("version", expectedVersion + 1);
            n.set("entries", JSON.valueToTree(new TreeMap<>(entries)));
            DurableFile.write(file(pool), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n), steps);
            return true;
        } catch (IOException e) {
            throw new AllocationException("cannot write allocation file " + file(pool) + ": " + e.getMessage(), e);
        } finally {
            jvmLock.unlock();
        }
    }

    private Path file(String pool) {
        if (pool == null || !POOL.matcher(pool).matches()) {
            throw new ConfigurationException("pool", pool, "a pool name of lower-case letters, digits, '.' and '-'");
        }
        return directory.resolve(pool + ".json");
    }
}
