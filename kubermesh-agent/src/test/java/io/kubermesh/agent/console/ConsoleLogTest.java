package io.kubermesh.agent.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsoleLogTest {
    @TempDir
    Path dir;

    @Test
    void firmwareScreenPaintingIsDroppedFromLines() {
        // as OVMF writes them to the serial port (captured from a real boot)
        assertThat(ConsoleLog.clean("\u001b[2J\u001b[01;01H\u001b[=3h\u001b[2J\u001b[01;01HBdsDxe: failed to load Boot0001\r"))
                .isEqualTo("BdsDxe: failed to load Boot0001");
        assertThat(ConsoleLog.clean("\u001b[0m\u001b[37m\u001b[40m>>Start PXE over IPv6.")).isEqualTo(">>Start PXE over IPv6.");
        assertThat(ConsoleLog.clean("plain")).isEqualTo("plain");
    }

    @Test
    void linesArriveWhenCompleteFromAFileThatAppearsLater() throws Exception {
        Path log = dir.resolve("console.log");
        List<String> lines = new CopyOnWriteArrayList<>();
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        try (AutoCloseable f = new ConsoleLog(log).follow("t", lines::add)) {
            Files.writeString(log, "first\r\nsec");
            waitFor(lines, 1);
            Files.write(log, new byte[] {'o', 'n', 'd', ' ', euro[0]}, StandardOpenOption.APPEND);
            Thread.sleep(300); // the follower reads the half character before the rest is written
            Files.write(log, new byte[] {euro[1], euro[2], '\n'}, StandardOpenOption.APPEND);
            Files.writeString(log, "\u001b[2Jthird\n", StandardOpenOption.APPEND);
            waitFor(lines, 3);
        }
        assertThat(lines).containsExactly("first", "second €", "third");
    }

    @Test
    void tailIsTheLastLinesIncludingOneBeingWritten() throws Exception {
        Path log = dir.resolve("console.log");
        assertThat(new ConsoleLog(log).tail(5)).isEmpty();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 100_000; i++) {
            s.append("line ").append(i).append("\r\n");
        }
        s.append("agent exited (status 1); left stopped");
        Files.writeString(log, s);
        assertThat(new ConsoleLog(log).tail(3)).containsExactly("line 99998", "line 99999", "agent exited (status 1); left stopped");
    }

    @Test
    void aTruncatedLogIsFollowedAgainFromItsStart() throws Exception {
        Path log = dir.resolve("console.log");
        List<String> lines = new CopyOnWriteArrayList<>();
        try (AutoCloseable f = new ConsoleLog(log).follow("t", lines::add)) {
            Files.writeString(log, "before a restart, a longer line\n");
            waitFor(lines, 1);
            Files.writeString(log, "after\n"); // replaced by a shorter log
            waitFor(lines, 2);
        }
        assertThat(lines).containsExactly("before a restart, a longer line", "after");
    }

    private static void waitFor(List<String> lines, int n) throws InterruptedException {
        for (int i = 0; i < 200 && lines.size() < n; i++) {
            Thread.sleep(25);
        }
        assertThat(lines).hasSizeGreaterThanOrEqualTo(n);
    }
}
