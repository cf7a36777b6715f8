package io.kubermesh.addressing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.SubstrateException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DurableJsonTest {
    /** A stored class as the substrates write them: public fields. */
    public static final class Stored {
        public String prefix;
        public List<String> names = new ArrayList<>();
    }

    private final DurableJson<Stored> store = new DurableJson<>(Stored.class, "state.json", "the test state",
            "remove it to start over");

    @Test
    void whatIsWrittenIsReadBackAndNothingIsLeftBeside(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("not-yet");
        assertThat(store.read(dir)).isEmpty();
        Stored s = new Stored();
        s.prefix = "km";
        s.names.add("m1");
        store.write(dir, s);

        Stored back = store.read(dir).orElseThrow();
        assertThat(back.prefix).isEqualTo("km");
        assertThat(back.names).containsExactly("m1");
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("state.json");
        }
        store.delete(dir);
        assertThat(store.read(dir)).isEmpty();
    }

    @Test
    void fieldsALaterVersionDroppedAreIgnored(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("state.json"), "{\"prefix\":\"km\",\"gone\":1}");
        assertThat(store.read(tmp).orElseThrow().prefix).isEqualTo("km");
    }

    @Test
    void anUnreadableFileSaysWhichAndWhatToDo(@TempDir Path tmp) throws Exception {
        Files.writeString(tmp.resolve("state.json"), "{\"prefix\":");
        assertThatThrownBy(() -> store.read(tmp))
                .isInstanceOf(SubstrateException.class)
                .hasMessageContaining("the test state " + tmp.resolve("state.json") + " is unreadable")
                .hasMessageEndingWith("; remove it to start over");
    }
}
