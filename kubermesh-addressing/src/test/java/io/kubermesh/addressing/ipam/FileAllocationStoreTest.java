package io.kubermesh.addressing.ipam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.AllocationException;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.spi.AllocationStore;
import io.kubermesh.testkit.AllocationStoreContract;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileAllocationStoreTest extends AllocationStoreContract {
    @TempDir
    Path dir;
    private int count;

    @Override
    protected AllocationStore createStore() {
        return new FileAllocationStore(dir.resolve("store" + count++));
    }

    @Override
    protected AllocationStore reopen(AllocationStore store) {
        return new FileAllocationStore(((FileAllocationStore) store).directory());
    }

    @Test
    void aDamagedFileIsReportedNotTreatedAsEmpty() throws IOException {
        FileAllocationStore store = new FileAllocationStore(dir.resolve("damaged"));
        Files.writeString(store.directory().resolve("pool.json"), "{\"version\": 3, \"entr");
        assertThatThrownBy(() -> store.read("pool")).isInstanceOf(AllocationException.class)
                .hasMessageContaining("pool.json");
        assertThatThrownBy(() -> store.compareAndSet("pool", 0, Map.of("a", "b"))).isInstanceOf(AllocationException.class);
    }

    @Test
    void hostilePoolNamesAreRefused() {
        FileAllocationStore store = new FileAllocationStore(dir.resolve("names"));
        for (String bad : new String[] {"../escape", "/abs", "a/b", "", "UPPER", "nul\0"}) {
            assertThatThrownBy(() -> store.read(bad)).as(bad).isInstanceOf(ConfigurationException.class);
        }
    }

    @Test
    void leftoverTemporaryFilesAreIgnoredAndSweptByTheNextWrite() throws IOException {
        Path d = dir.resolve("sweep");
        FileAllocationStore store = new FileAllocationStore(d);
        assertThat(store.compareAndSet("pool", 0, Map.of("a", "1"))).isTrue();
        Files.writeString(store.directory().resolve("pool.json.tmp-crashed"), "{\"version\": 99, \"entries\": {}}");
        FileAllocationStore again = new FileAllocationStore(d);
        assertThat(again.read("pool").entries()).containsExactly(Map.entry("a", "1"));
        long v = again.read("pool").version();
        assertThat(again.compareAndSet("pool", v, Map.of("b", "2"))).isTrue();
        try (var files = Files.list(again.directory())) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
        }
    }
}
