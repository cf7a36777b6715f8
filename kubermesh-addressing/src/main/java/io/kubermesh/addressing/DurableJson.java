package io.kubermesh.addressing;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * One object kept as a JSON file in a state directory and replaced with {@link DurableFile}, so a
 * crash leaves the old state or the new one: what a substrate or the lab remembers between CLI
 * commands. Fields a later version dropped are ignored on reading. Every failure is a
 * {@link SubstrateException} naming the file and what the operator does about it.
 *
 * @param <T> the stored class (public fields or bean properties, a no-argument constructor)
 */
public final class DurableJson<T> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Class<T> type;
    private final String file;
    private final String what;
    private final String startOver;

    /**
     * @param file the file's name in the state directory ({@code substrate.json})
     * @param what what it holds, for messages ({@code the lab state})
     * @param startOver what the operator does when it is unreadable ({@code remove the lab's
     *     namespaces (ip netns list) and the file to start over})
     */
    public DurableJson(Class<T> type, String file, String what, String startOver) {
        this.type = type;
        this.file = file;
        this.what = what;
        this.startOver = startOver;
    }

    /** The stored object, or empty when {@code dir} holds none. */
    public Optional<T> read(Path dir) {
        Path f = dir.resolve(file);
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(f.toFile(), type));
        } catch (IOException e) {
            throw new SubstrateException(what + " " + f + " is unreadable: " + e.getMessage() + "; " + startOver, e);
        }
    }

    /** Replaces the stored object with {@code value}, creating {@code dir} when needed. */
    public void write(Path dir, T value) {
        try {
            Files.createDirectories(dir);
            DurableFile.write(dir.resolve(file), JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new SubstrateException("cannot write " + what + " in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes the stored object, if any. */
    public void delete(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve(file));
        } catch (IOException e) {
            throw new SubstrateException("cannot remove " + what + " in " + dir + ": " + e.getMessage(), e);
        }
    }
}
