package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeenPortsTest {
    private static final String BOOT = "0f2b6a3e-63d4-4b8e-9a51-6c2d1e7f9a10";
    @TempDir
    Path dir;

    @Test
    void aPortRecordedIsSeenByTheNextAgentOfTheSameBootOnly() throws Exception {
        Path file = dir.resolve(SeenPorts.FILE);
        SeenPorts first = SeenPorts.load(file, BOOT);
        assertThat(first.seen("cluster0", 7)).isFalse();
        first.add("cluster0", 7);
        first.add("cluster2", 9);
        assertThat(first.seen("cluster0", 7)).isTrue();
        assertThat(Files.readAllLines(file)).containsExactly("boot " + BOOT, "cluster0 7", "cluster2 9");
        try (var files = Files.list(dir)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactly(SeenPorts.FILE);
        }

        SeenPorts restarted = SeenPorts.load(file, BOOT);
        assertThat(restarted.seen("cluster0", 7)).isTrue();
        assertThat(restarted.seen("cluster2", 9)).isTrue();
        // The same name with another kernel index is a link made anew: not seen; once turned up it
        // takes the old link's line, so the file does not grow as cables are pulled and plugged.
        assertThat(restarted.seen("cluster0", 8)).isFalse();
        restarted.add("cluster0", 8);
        assertThat(restarted.seen("cluster0", 7)).isFalse();
        assertThat(Files.readAllLines(file)).containsExactly("boot " + BOOT, "cluster0 8", "cluster2 9");

        SeenPorts rebooted = SeenPorts.load(file, "4b7d0c11-0000-4000-8000-000000000001");
        assertThat(rebooted.seen("cluster0", 8)).isFalse();
        rebooted.add("cluster1", 3);
        assertThat(Files.readAllLines(file)).containsExactly("boot 4b7d0c11-0000-4000-8000-000000000001", "cluster1 3");
    }

    @Test
    void aFileThatIsNotOursIsTakenAsEmptyAndBadLinesAreSkipped() throws Exception {
        Path file = dir.resolve(SeenPorts.FILE);
        for (String text : List.of("", "cluster0 7\n", "boot\ncluster0 7\n", "boot " + BOOT + "; rm -rf /\ncluster0 7\n",
                "\u0000\u0001garbage")) {
            Files.writeString(file, text);
            assertThat(SeenPorts.load(file, BOOT).seen("cluster0", 7)).as("%s", text).isFalse();
        }
        Files.writeString(file, "boot " + BOOT + "\ncluster0 7\ncluster1\n../../x 3\ncluster1 -2\n"
                + "averyveryverylongname 1\ncluster2 12\n");
        SeenPorts s = SeenPorts.load(file, BOOT);
        assertThat(s.seen("cluster0", 7)).isTrue();
        assertThat(s.seen("cluster2", 12)).isTrue();
        assertThat(s.seen("cluster1", -2)).isFalse();
        assertThat(s.seen("averyveryverylongname", 1)).isFalse();
        // A missing file or an unreadable one (a directory here) is nothing seen.
        assertThat(SeenPorts.load(dir.resolve("missing"), BOOT).seen("cluster0", 7)).isFalse();
        assertThat(SeenPorts.load(dir, BOOT).seen("cluster0", 7)).isFalse();
    }

    @Test
    void inMemoryWritesNothingAndTheRunningKernelNamesABoot() {
        SeenPorts m = SeenPorts.inMemory();
        m.add("cluster0", 1);
        assertThat(m.seen("cluster0", 1)).isTrue();
        assertThat(dir.resolve(SeenPorts.FILE)).doesNotExist();
        assertThat(SeenPorts.currentBoot()).get().asString().matches("[0-9a-f-]{36}");
    }
}
