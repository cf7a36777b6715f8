package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleFollowerTest {
    @TempDir
    Path dir;

    @Test
    void firmwareScreenPaintingIsDroppedFromLines() {
        // as OVMF writes them to the serial port (captured from a real boot)
        assertThat(ConsoleFollower.clean("\u001b[2J\u001b[01;01H\u001b[=3h\u001b[2J\u001b[01;01HBdsDxe: failed to load Boot0001\r"))
                .isEqualTo("BdsDxe: failed to load Boot0001");
        assertThat(ConsoleFollower.clean("\u001b[0m\u001b[37m\u001b[40m>>Start PXE over IPv6.")).isEqualTo(">>Start PXE over IPv6.");
        assertThat(ConsoleFollower.clean("plain")).isEqualTo("plain");
    }

    @Test
    void linesArriveWhenCompleteFromAFileThatAppearsLater() throws Exception {
        Path log = dir.resolve("console.log");
        List<String> lines = new CopyOnWriteArrayList<>();
        try (ConsoleFollower f = ConsoleFollower.follow(log, "t", lines::add)) {
            Files.writeString(log, "first\r\nsec");
            waitFor(lines, 1);
            Files.writeString(log, "ond\n\u001b[2Jthird\n", StandardOpenOption.APPEND);
            waitFor(lines, 3);
        }
        assertThat(lines).containsExactly("first", "second", "third");
    }

    private static void waitFor(List<String> lines, int n) throws InterruptedException {
        for (int i = 0; i < 200 && lines.size() < n; i++) {
            Thread.sleep(25);
        }
        assertThat(lines).hasSizeGreaterThanOrEqualTo(n);
    }
}
