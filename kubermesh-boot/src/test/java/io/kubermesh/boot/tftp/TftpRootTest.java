package io.kubermesh.boot.tftp;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The traversal corpus: every name that could escape the root, or name something not a file, is refused. */
class TftpRootTest {
    @TempDir
    Path dir;
    Path root;

    @BeforeEach
    void files() throws Exception {
        root = Files.createDirectory(dir.resolve("root"));
        Files.writeString(root.resolve("ok.txt"), "hello");
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/in.txt"), "inner");
        Files.writeString(dir.resolve("secret.txt"), "secret");
        Files.createSymbolicLink(root.resolve("out-link"), dir.resolve("secret.txt"));
        Files.createSymbolicLink(root.resolve("etc-link"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("in-link"), root.resolve("sub/in.txt"));
    }

    /** Names a TFTP or HTTP client may send to escape the root; none may be served. */
    static List<String> traversalCorpus() {
        return List.of("../secret.txt", "..", "../", "sub/../../secret.txt", "./../secret.txt",
                "..\\secret.txt", "sub\\..\\..\\secret.txt", "/etc/passwd", "//etc/passwd", "/ok.txt",
                "%2e%2e/secret.txt", "%2e%2e%2fsecret.txt", "%252e%252e%252fsecret.txt", "..%2fsecret.txt",
                "ok.txt\0.png", "ok\n.txt", "out-link", "etc-link/passwd", "sub", ".", "", "a".repeat(256),
                "a/".repeat(200) + "b", "x".repeat(5000), "sub/" + "../".repeat(30) + "etc/passwd", "/dev/null",
                "../../../../../../../../etc/shadow");
    }

    @Test
    void traversalCorpusIsRefused() {
        TftpRoot r = new TftpRoot(root);
        for (String name : traversalCorpus()) {
            assertThat(r.resolve(name)).as("[%s]", name).isInstanceOf(TftpRoot.Resolution.Refused.class);
        }
    }

    @Test
    void plainNamesAndLinksInsideResolve() {
        TftpRoot r = new TftpRoot(root);
        assertThat(r.resolve("ok.txt")).isEqualTo(new TftpRoot.Resolution.Found(root.resolve("ok.txt"), 5));
        assertThat(r.resolve("sub/in.txt")).isInstanceOf(TftpRoot.Resolution.Found.class);
        assertThat(r.resolve("sub/./in.txt")).isInstanceOf(TftpRoot.Resolution.Found.class);
        assertThat(r.resolve("in-link")).isEqualTo(new TftpRoot.Resolution.Found(root.resolve("sub/in.txt"), 5));
    }

    @Test
    void devicesFifosAndLinksToThemAreRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("null-link"), Path.of("/dev/null"));
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("fifo").toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        TftpRoot r = new TftpRoot(root);
        assertThat(r.resolve("null-link")).isEqualTo(new TftpRoot.Resolution.Refused(TftpErrorCode.ACCESS_VIOLATION,
                "access violation: a link out of the root"));
        assertThat(r.resolve("fifo")).isEqualTo(new TftpRoot.Resolution.Refused(TftpErrorCode.ACCESS_VIOLATION,
                "access violation: not a regular file"));
    }

    @Test
    void missingFileIsFileNotFoundAndEscapesAreAccessViolations() {
        TftpRoot r = new TftpRoot(root);
        assertThat(r.resolve("nope")).isEqualTo(new TftpRoot.Resolution.Refused(TftpErrorCode.FILE_NOT_FOUND, "file not found"));
        assertThat(((TftpRoot.Resolution.Refused) r.resolve("../secret.txt")).code()).isEqualTo(TftpErrorCode.ACCESS_VIOLATION);
        assertThat(((TftpRoot.Resolution.Refused) r.resolve("out-link")).code()).isEqualTo(TftpErrorCode.ACCESS_VIOLATION);
    }
}
