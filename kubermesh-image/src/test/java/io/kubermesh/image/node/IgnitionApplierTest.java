package io.kubermesh.image.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IgnitionApplierTest {
    @TempDir
    Path root;

    @Test
    void writesFilesWithTheirModesAndUnitsEnabled() throws IOException {
        IgnitionConfig c = IgnitionConfig.parse(IgnitionConfigTest.served());
        IgnitionApplier.Applied a = IgnitionApplier.apply(c, root);
        assertThat(Files.readString(root.resolve("etc/kubermesh/cluster.yaml"))).isEqualTo(IgnitionConfigTest.CLUSTER);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/kubermesh/join-token"))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("etc/hostname"))))
                .isEqualTo("rw-r--r--");
        assertThat(Files.readString(root.resolve("etc/systemd/system/kubermesh-agent.service"))).contains("ExecStart=");
        assertThat(Files.readSymbolicLink(root.resolve("etc/systemd/system/multi-user.target.wants/kubermesh-agent.service")))
                .isEqualTo(Path.of("/etc/systemd/system/kubermesh-agent.service"));
        assertThat(a.enabled()).containsExactly("kubermesh-agent.service");
        assertThat(a.files()).anyMatch(f -> f.startsWith("/etc/kubermesh/join-token (0600"));
        assertThat(root.resolve("etc/kubermesh").toFile().list()).doesNotContain(".join-token.ignition");
    }

    @Test
    void reapplyingUnderADirectoryWritesOnlyItsFilesWithTheirModes() throws IOException {
        // An installed node: its data partition is mounted over /var/lib/kubermesh after the first apply.
        IgnitionConfig c = new IgnitionConfig(List.of(
                new IgnitionConfig.File("/var/lib/kubermesh/pki/node.key", 0600, "kmrv2 key".getBytes()),
                new IgnitionConfig.File("/var/lib/kubermesh-other/x", 0644, "no".getBytes()),
                new IgnitionConfig.File("/etc/hostname", 0644, "km-1\n".getBytes())), List.of(), List.of());
        List<String> written = IgnitionApplier.reapplyUnder(c, NodeLayout.STATE, root);
        assertThat(written).singleElement().asString().startsWith("/var/lib/kubermesh/pki/node.key (0600");
        assertThat(Files.readString(root.resolve("var/lib/kubermesh/pki/node.key"))).isEqualTo("kmrv2 key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("var/lib/kubermesh/pki/node.key"))))
                .isEqualTo("rw-------");
        assertThat(root.resolve("etc/hostname")).doesNotExist();
        assertThat(root.resolve("var/lib/kubermesh-other")).doesNotExist();
    }

    @Test
    void overwritesAnExistingFileAndReplacesALinkRatherThanFollowingIt() throws IOException {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/hostname"), "old\n");
        Path outside = Files.createTempFile("kmimg-outside", ".txt");
        Files.createSymbolicLink(root.resolve("etc/motd"), outside);
        IgnitionApplier.apply(new IgnitionConfig(List.of(new IgnitionConfig.File("/etc/hostname", 0644, "new\n".getBytes()),
                new IgnitionConfig.File("/etc/motd", 0644, "hello\n".getBytes())), List.of(), List.of()), root);
        assertThat(Files.readString(root.resolve("etc/hostname"))).isEqualTo("new\n");
        assertThat(Files.isSymbolicLink(root.resolve("etc/motd"))).isFalse();
        assertThat(Files.readString(outside)).isEmpty();
        Files.delete(outside);
    }

    @Test
    void refusesAPathThatLeadsOutOfTheRootThroughALinkedDirectory() throws IOException {
        Path elsewhere = Files.createTempDirectory("kmimg-elsewhere");
        Files.createDirectories(root.resolve("etc"));
        Files.createSymbolicLink(root.resolve("etc/kubermesh"), elsewhere);
        IgnitionConfig c = new IgnitionConfig(List.of(new IgnitionConfig.File("/etc/kubermesh/x", 0644, "x".getBytes())),
                List.of(), List.of());
        assertThatThrownBy(() -> IgnitionApplier.apply(c, root)).isInstanceOf(IOException.class).hasMessageContaining("link");
        assertThat(elsewhere.toFile().list()).isEmpty();
        Files.delete(elsewhere);
    }

    @Test
    void reportsUsersItDoesNotCreate() throws IOException {
        IgnitionApplier.Applied a = IgnitionApplier.apply(new IgnitionConfig(List.of(), List.of(),
                List.of(new IgnitionConfig.User("core", List.of("ssh-ed25519 AAAA")))), root);
        assertThat(a.ignoredUsers()).containsExactly("core");
        assertThat(root.resolve("etc/passwd")).doesNotExist();
    }
}
