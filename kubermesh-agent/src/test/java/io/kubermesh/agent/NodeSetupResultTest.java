package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node setup's result as the agent's {@code setup} component: the file's exact bytes, and every bad file failing. */
class NodeSetupResultTest {
    private static final Instant AT = Instant.parse("2026-12-05T21:46:00Z");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-12-05T21:47:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @Test
    void aSetupThatWentThroughIsRunningWithWhatItSaid() throws IOException {
        Path file = dir.resolve("run/kubermesh/setup.json");
        NodeSetupResult.write(file, true, "kernel 6.1.0-57-amd64, booted from disk\n", AT);
        assertThat(Files.readString(file)).isEqualTo(
                "{\"ok\":true,\"detail\":\"kernel 6.1.0-57-amd64, booted from disk\",\"at\":\"2026-12-05T21:46:00Z\"}\n");
        assertThat(new NodeSetupResult(file, CLOCK).view()).isEqualTo(new ComponentStatus("setup", "running", null,
                "done: kernel 6.1.0-57-amd64, booted from disk", "2026-12-05T21:46:00Z"));
        assertThat(dir.resolve("run/kubermesh")).isDirectoryNotContaining("glob:**.tmp");
    }

    @Test
    void aFailedSetupIsAFailedComponentWithItsReason() throws IOException {
        Path file = dir.resolve("setup.json");
        NodeSetupResult.write(file, false, "POST http://[2001:db8::a4:a800:6:24]:8080/machines/52:54:00:00:05:00/phone-home"
                + "?secret=<redacted>: HTTP 503: refused", AT);
        ComponentStatus c = new NodeSetupResult(file, CLOCK).view();
        assertThat(c.failed()).isTrue();
        assertThat(c.error()).isEqualTo("POST http://[2001:db8::a4:a800:6:24]:8080/machines/52:54:00:00:05:00/phone-home"
                + "?secret=<redacted>: HTTP 503: refused");
        assertThat(c.since()).isEqualTo("2026-12-05T21:46:00Z");
        // A node whose setup failed has a failed component: up and status name it.
        NodeStatus s = new NodeStatus("kubermesh4", "running", "52:54:00:00:05:00", "2001:db8::a4:a800:a:0", "2001:db8::a4:a800:a:0/119",
                "2001:db8::a4:a800:b:0/120", "kmstub0", List.of(), List.of(), "t0", "t1", null, null);
        assertThat(new NodeSetupResult(file, CLOCK).contribute(s).failedComponents()).extracting(ComponentStatus::name)
                .containsExactly("setup");
    }

    @Test
    void noResultOnANodeOsIsAFailureThatSaysWhereToLook() {
        ComponentStatus c = new NodeSetupResult(dir.resolve("none.json"), CLOCK).view();
        assertThat(c.failed()).isTrue();
        assertThat(c.error()).contains("left no result at " + dir.resolve("none.json")).contains("journalctl -u kubermesh-setup");
        assertThat(c.since()).isEqualTo("2026-12-05T21:47:00Z");
    }

    @Test
    void malformedResultsAreFailuresNotCrashes() throws IOException {
        for (String bad : List.of("", "{", "[]", "null", "{\"ok\":\"yes\",\"at\":\"x\"}", "{\"ok\":true}", "{\"ok\":true,\"at\":5}",
                "\u0000\u00ff\u00fe", "{\"ok\":true,\"detail\":\"x\",\"at\":\"2026\"} trailing")) {
            Path file = dir.resolve("bad.json");
            Files.write(file, bad.getBytes(StandardCharsets.ISO_8859_1));
            ComponentStatus c = new NodeSetupResult(file, CLOCK).view();
            assertThat(c.failed()).as(bad).isTrue();
            assertThat(c.error()).as(bad).contains("unreadable");
        }
    }

    @Property(tries = 200)
    void whateverTheSetupSaysComesBackAsOneLine(@ForAll @CharRange(from = '\u0000', to = '\ud7ff') String detail,
                                                @ForAll boolean ok) throws IOException {
        Path file = Files.createTempFile("setup", ".json");
        try {
            NodeSetupResult.write(file, ok, detail, AT);
            ComponentStatus c = new NodeSetupResult(file, CLOCK).view();
            String line = detail.strip().replace('\n', ' ');
            assertThat(c.failed()).isEqualTo(!ok);
            if (ok) {
                assertThat(c.detail()).isEqualTo("done: " + line);
            } else {
                assertThat(c.error()).isEqualTo(line.isEmpty() ? "failed" : line);
            }
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
