package io.kubermesh.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A console log file: its last lines, and a follower that sees whole lines as they are written and a truncated file anew. */
class ConsoleLogTest {
    @TempDir
    Path dir;

    @Test
    void tailIsTheLastLinesAndNothingBeforeTheFileExists() throws Exception {
        Path file = dir.resolve("kmrv4-console.log");
        ConsoleLog log = new ConsoleLog("node1", file);
        assertThat(log.tail(5)).isEmpty();
        Files.writeString(file, "a\nb\nc\n");
        assertThat(log.tail(2)).containsExactly("b", "c");
        assertThat(log.tail(10)).containsExactly("a", "b", "c");
    }

    @Test
    void followGivesWholeLinesFromTheStartAndStartsAgainAfterATruncation() throws Exception {
        Path file = dir.resolve("kmrv4-console.log");
        BlockingQueue<String> seen = new LinkedBlockingQueue<>();
        try (AutoCloseable follower = new ConsoleLog("node1", file).follow(seen::add)) {
            Files.writeString(file, "first\nhalf");
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("first");
            Files.writeString(file, " line\n", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("half line");
            Files.writeString(file, "new\n");
            assertThat(seen.poll(10, TimeUnit.SECONDS)).isEqualTo("new");
        }
        assertThat(List.copyOf(seen)).isEmpty();
    }
}
