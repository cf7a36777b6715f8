package io.kubermesh.provider.netns.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The machine's supervisor loop, run by the POSIX shell every Linux host has, with small shell
 * commands standing in for the firmware and the agent.
 */
class MachineLauncherTest {
    @TempDir
    Path dir;

    @Test
    void anAgentKilledBySignalNineRunsAgainAndAnAgentThatKeepsExitingIsLeftStopped() throws Exception {
        String out = run(MachineLauncher.supervisor(List.of("sh", "-c", "echo first; kill -9 $$"),
                List.of("sh", "-c", "echo \"again it's\"; exit 3"), Optional.empty()));
        // The shell itself says "Killed" for a command a signal ended.
        assertThat(out.replace("Killed\n", "")).startsWith("first\nagent exited (signal 9); restarting as systemd would\nagain it's\n");
        assertThat(out.lines().filter(l -> l.equals("again it's"))).hasSize(1 + MachineLauncher.START_LIMIT);
        assertThat(out.lines().filter(l -> l.equals("agent exited (status 3); restarting as systemd would")))
                .hasSize(MachineLauncher.START_LIMIT);
        assertThat(out).endsWith("agent exited (status 3) " + (MachineLauncher.START_LIMIT + 1)
                + " times in a row: left stopped (systemd's start limit)\n");
    }

    @Test
    void aFirmwareThatEndsBeforeHandingOverIsNotRestarted() throws Exception {
        Path marker = dir.resolve(MachineLauncher.HANDED_OVER);
        String out = run(MachineLauncher.supervisor(List.of("sh", "-c", "echo no boot; exit 1"), List.of("echo", "agent"),
                Optional.of(marker)));
        assertThat(out).isEqualTo("no boot\nfirmware exited (status 1) before handing over: nothing to restart\n");
    }

    @Test
    void aFirmwareThatHandedOverHasItsAgentRestarted() throws Exception {
        Path marker = dir.resolve(MachineLauncher.HANDED_OVER);
        String out = run(MachineLauncher.supervisor(List.of("sh", "-c", "touch '" + marker + "'; kill -9 $$"),
                List.of("sh", "-c", "echo agent; kill -9 $$"), Optional.of(marker)), 3);
        assertThat(out.lines().filter(l -> !l.equals("Killed")).limit(4)).containsExactly("agent exited (signal 9); restarting as systemd would", "agent",
                "agent exited (signal 9); restarting as systemd would", "agent");
    }

    @Test
    void wordsAreQuotedForTheShell() {
        assertThat(MachineLauncher.quote(List.of("a b", "it's", "$HOME"))).isEqualTo("'a b' 'it'\\''s' '$HOME'");
    }

    private String run(String script) throws IOException, InterruptedException {
        return run(script, Integer.MAX_VALUE);
    }

    /** The loop's output, up to {@code lines} lines (a loop that restarts for ever is stopped there). */
    private String run(String script, int lines) throws IOException, InterruptedException {
        Path out = dir.resolve("console");
        Process p = new ProcessBuilder("/bin/sh", "-c", script, "test").redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (p.isAlive() && System.nanoTime() < deadline
                && Files.readString(out, StandardCharsets.UTF_8).lines().count() < lines * 2L) {
            Thread.sleep(20);
        }
        p.destroyForcibly().waitFor();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
