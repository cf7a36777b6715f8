package io.kubermesh.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input to {@code kubermesh image build} exits 2 naming what is wrong, before anything is built or root is checked. */
class ImageCommandTest {
    @TempDir
    Path dir;

    private int run(StringWriter err, String... args) {
        return Kubermesh.run(new PrintWriter(new StringWriter()), new PrintWriter(err), args);
    }

    @Test
    void aBadClusterFileIsBadInput() throws Exception {
        Path bad = Files.writeString(dir.resolve("cluster.yaml"), "cluster:\n  ipv6:\n    prefix: \"2001:db8::/80\"\n");
        StringWriter err = new StringWriter();
        assertThat(run(err, "image", "build", "--config", bad.toString(), "--output", dir.resolve("out").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("cluster.ipv6.prefix");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void anOutputThatIsAFileOrAnAgentJarThatIsMissingIsBadInput() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        StringWriter err = new StringWriter();
        assertThat(run(err, "image", "build", "--output", file.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("--output");
        StringWriter err2 = new StringWriter();
        assertThat(run(err2, "image", "build", "--output", dir.resolve("out").toString(), "--agent-jar",
                dir.resolve("none.jar").toString())).isEqualTo(2);
        assertThat(err2.toString()).contains("--agent-jar");
    }
}
