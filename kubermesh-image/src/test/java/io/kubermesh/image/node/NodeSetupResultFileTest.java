package io.kubermesh.image.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.agent.ComponentStatus;
import io.kubermesh.agent.NodeSetupResult;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node setup that fails leaves that failure for the agent, secrets redacted, and the agent's
 * {@code setup} component reads it back as failed (the success path runs in LibvirtLabIT, on the gateway booted from its USB drive).
 */
class NodeSetupResultFileTest {
    @TempDir
    Path dir;

    @Test
    void aFailedSetupLeavesItsFailureWithoutItsSecretForTheAgent() throws IOException {
        Path result = dir.resolve("run/kubermesh/setup.json");
        NodeSystem broken = new NodeSystem() {
            @Override
            String read(String file) throws IOException {
                throw new IOException("GET http://[2001:db8::20]:8080/ignition?mac=m&secret=s3cr3t: HTTP 500");
            }
        };
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        boolean ok = new NodeSetup(broken, new PrintStream(console, true, StandardCharsets.UTF_8), result).run();

        assertThat(ok).isFalse();
        assertThat(Files.readString(result)).doesNotContain("s3cr3t").contains("secret=<redacted>");
        ComponentStatus setup = new NodeSetupResult(result, Clock.systemUTC()).view();
        assertThat(setup.failed()).isTrue();
        assertThat(setup.error()).isEqualTo("GET http://[2001:db8::20]:8080/ignition?mac=m&secret=<redacted>: HTTP 500");
        assertThat(console.toString(StandardCharsets.UTF_8)).contains("kubermesh-setup: FAILED: GET").doesNotContain("s3cr3t");
    }
}
