package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibvirtDaemonsTest {
    @TempDir
    Path dir;

    @Test
    void aPidFileCountsOnlyWhileItsProcessIsThatDaemon() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            Path pidFile = Files.writeString(dir.resolve("x.pid"), sleeper.pid() + "\n");
            assertThat(LibvirtDaemons.running("sleep", pidFile)).contains(sleeper.pid());
            assertThat(LibvirtDaemons.running("libvirtd", pidFile)).isEmpty();
            assertThat(LibvirtDaemons.alive(sleeper.pid())).isTrue();
            sleeper.destroy();
            sleeper.waitFor(5, TimeUnit.SECONDS);
            assertThat(LibvirtDaemons.alive(sleeper.pid())).isFalse();
            assertThat(LibvirtDaemons.running("sleep", pidFile)).isEmpty();
            assertThat(LibvirtDaemons.running("sleep", dir.resolve("none.pid"))).isEmpty();
            assertThat(LibvirtDaemons.running("sleep", Files.writeString(dir.resolve("bad.pid"), "pid"))).isEmpty();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void stoppingAPidThatIsNotTheDaemonDoesNothing() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            LibvirtDaemons.stop(sleeper.pid(), "libvirtd");
            assertThat(sleeper.isAlive()).isTrue();
            LibvirtDaemons.stop(sleeper.pid(), "sleep");
            assertThat(sleeper.waitFor(5, TimeUnit.SECONDS)).isTrue();
        } finally {
            sleeper.destroyForcibly();
        }
    }
}
