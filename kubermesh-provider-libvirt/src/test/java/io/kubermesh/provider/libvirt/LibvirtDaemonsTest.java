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

    @Test
    void theSubmountsDirectlyUnderDevFromMountinfo() {
        // /proc/self/mountinfo of this project's CI host: /dev/shm and /dev/pts mounted twice each
        String mountinfo = """
                24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334760k,nr_inodes=3083690,mode=755
                25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683772k
                26 24 0:24 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
                27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
                29 26 0:26 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
                30 25 0:27 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24683772k
                31 24 0:28 / /dev/hugepages/x rw,relatime - hugetlbfs hugetlbfs rw
                32 24 0:29 / /dev/odd\\040name rw,relatime - tmpfs tmpfs rw
                45 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw
                """;
        org.assertj.core.api.Assertions.assertThat(LibvirtDaemons.devSubmounts(mountinfo)).containsExactly("/dev/shm", "/dev/pts");
    }
}
