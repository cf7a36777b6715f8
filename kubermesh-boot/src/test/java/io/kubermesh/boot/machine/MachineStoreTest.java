package io.kubermesh.boot.machine;

import io.kubermesh.api.MacAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class MachineStoreTest {
    @TempDir
    Path state;

    @Test
    void roundTripsAndLeavesNoTemporaryFiles() throws Exception {
        MachineStore s = new MachineStore(state);
        Machine m = new Machine(MacAddress.parse("52:54:00:12:34:56"), "cluster3", "u", "arm64", "S/N 1", "p",
                MachineState.INSTALLED, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z");
        s.put(m);
        s.put(m.withState(MachineState.JOINED));
        assertThat(new MachineStore(state).get(m.mac())).contains(m.withState(MachineState.JOINED));
        try (var files = Files.list(state.resolve("machines"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("52-54-00-12-34-56.json");
        }
    }

    @Test
    void aStaleTemporaryFileFromACrashIsHarmless() throws Exception {
        MachineStore s = new MachineStore(state);
        Machine m = new Machine(MacAddress.parse("52:54:00:12:34:56"), "cluster0", "", "", "", "", MachineState.DISCOVERED, "", "");
        s.put(m);
        Files.writeString(state.resolve("machines/.52-54-00-12-34-56.json.tmp"), "{\"torn");
        assertThat(s.all()).containsExactly(m);
        s.put(m.withState(MachineState.INSTALLING));
        assertThat(s.get(m.mac()).orElseThrow().state()).isEqualTo(MachineState.INSTALLING);
    }

    @Test
    void jsonFormRoundTripsEveryFieldAndRejectsWhatIsNotARecord() {
        Machine m = new Machine(MacAddress.parse("52:54:00:00:00:0c"), "cluster2", "u-1", "arm64", "S-9", "debian",
                MachineState.JOINED, "2026-11-26T09:00:00Z", "2026-11-26T09:05:00Z");
        String json = MachineStore.toJson(m);
        assertThat(MachineStore.fromJson(json)).isEqualTo(m);
        assertThat(json).contains("\"state\" : \"joined\"");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MachineStore.fromJson("{\"mac\":\"nope\"}"))
                .isInstanceOf(io.kubermesh.api.KubermeshException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MachineStore.fromJson("{"))
                .isInstanceOf(io.kubermesh.api.KubermeshException.class);
    }
}
