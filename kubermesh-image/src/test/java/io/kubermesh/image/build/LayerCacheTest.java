package io.kubermesh.image.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layer cache keeps, of each layer name, the latest two used, and never one the build used. */
class LayerCacheTest {
    @TempDir
    Path cache;

    @Test
    void aBuildKeepsTheTwoLatestLayersOfEachNameAndRemovesTheRest() throws IOException {
        List<String> log = new ArrayList<>();
        // five earlier agent layers, used a day apart, and one root layer; a partial build and the package cache
        for (int i = 0; i < 5; i++) {
            layer("agent", "agent " + i, Instant.parse("2026-12-0" + (i + 1) + "T12:00:00Z"));
        }
        layer("root", "root 1", Instant.parse("2026-12-01T12:00:00Z"));
        Files.createDirectories(cache.resolve("agent-00000000000000aa.partial"));
        Files.createDirectories(cache.resolve("debs"));
        Files.writeString(cache.resolve("debs/bash.deb"), "deb");
        try (LayerCache c = new LayerCache(cache, log::add)) {
            // this build: the oldest agent layer again (a hit), and a new root layer
            c.get("agent", "agent 0", dir -> {
                throw new AssertionError("cached");
            }, hit -> assertThat(hit).isTrue());
            c.get("root", "root 2", dir -> Files.writeString(dir.resolve("root.cpio.zst"), "new"), hit -> assertThat(hit).isFalse());
            c.prune();
        }
        // agent: the one used now and the latest before it (agent 4); root: both (two is the number kept)
        assertThat(layers()).containsExactlyInAnyOrder("agent-" + LayerCache.key("agent 0"), "agent-" + LayerCache.key("agent 4"),
                "root-" + LayerCache.key("root 1"), "root-" + LayerCache.key("root 2"), "agent-00000000000000aa.partial", "debs");
        assertThat(cache.resolve("debs/bash.deb")).exists();
        assertThat(log).hasSize(3).allMatch(l -> l.startsWith("cache: removed layer agent-") && l.endsWith(" MiB)"));
        assertThat(log).anyMatch(l -> l.contains(LayerCache.key("agent 1")) && l.contains("unused since 2026-12-02T12:00:00Z"));
    }

    @Test
    void aLayerThisBuildUsedIsKeptWhateverItsTime() throws IOException {
        for (int i = 0; i < 3; i++) {
            layer("loaders", "loaders " + i, Instant.parse("2026-12-0" + (i + 1) + "T12:00:00Z"));
        }
        try (LayerCache c = new LayerCache(cache, l -> { })) {
            c.get("loaders", "loaders 0", dir -> {
                throw new AssertionError("cached");
            }, hit -> { });
            // its mark is made older than the others' (a clock set back): it stays all the same
            Files.setLastModifiedTime(cache.resolve("loaders-" + LayerCache.key("loaders 0")).resolve(".used"),
                    FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
            c.prune();
        }
        assertThat(layers()).containsExactlyInAnyOrder("loaders-" + LayerCache.key("loaders 0"), "loaders-" + LayerCache.key("loaders 1"),
                "loaders-" + LayerCache.key("loaders 2"));
    }

    private void layer(String name, String description, Instant used) throws IOException {
        Path dir = Files.createDirectories(cache.resolve(name + "-" + LayerCache.key(description)));
        Files.writeString(dir.resolve("inputs.txt"), description);
        Files.write(dir.resolve(name + ".cpio.zst"), new byte[1 << 20]);
        Files.writeString(dir.resolve(".complete"), "");
        Files.setLastModifiedTime(dir.resolve(".complete"), FileTime.from(used));
    }

    private List<String> layers() throws IOException {
        try (Stream<Path> s = Files.list(cache)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).toList();
        }
    }
}
