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

    @Test
    void writeCopiesTheImageToAFileAndPrintsTheDigestItReadBack() throws Exception {
        byte[] bytes = new byte[3 << 20];
        new java.util.Random(3).nextBytes(bytes);
        Path image = Files.write(dir.resolve("usb.img"), bytes);
        Path target = dir.resolve("stick.img");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Kubermesh.run(new PrintWriter(out), new PrintWriter(err), "image", "write", "--image", image.toString(),
                "--device", target.toString(), "--yes");
        assertThat(code).as(err.toString()).isZero();
        String digest = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        assertThat(out.toString()).isEqualTo(digest + "  " + target + System.lineSeparator());
        assertThat(err.toString()).contains("(100%)").contains("verified").contains(digest);
        assertThat(Files.readAllBytes(target)).isEqualTo(bytes);
    }

    @Test
    void writeRefusesACharacterDeviceAndAnUnconfirmedWrite() throws Exception {
        Path image = Files.write(dir.resolve("usb.img"), new byte[4096]);
        StringWriter err = new StringWriter();
        assertThat(run(err, "image", "write", "--image", image.toString(), "--device", "/dev/null", "--yes")).isEqualTo(2);
        assertThat(err.toString()).contains("--device").contains("character device");

        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("no\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            StringWriter err2 = new StringWriter();
            assertThat(run(err2, "image", "write", "--image", image.toString(), "--device", dir.resolve("t.img").toString()))
                    .isEqualTo(2);
            assertThat(err2.toString()).contains("Type yes").contains("nothing was written");
            assertThat(dir.resolve("t.img")).doesNotExist();
        } finally {
            System.setIn(stdin);
        }
    }
}
