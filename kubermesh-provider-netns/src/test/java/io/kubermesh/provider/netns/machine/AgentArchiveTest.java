package io.kubermesh.provider.netns.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentArchiveTest {
    @TempDir
    Path tmp;

    private List<String> command(String classPath) {
        return List.of("/usr/bin/java", "-Xmx96m", "-cp", classPath, "io.kubermesh.cli.Kubermesh");
    }

    @Test
    void theArchiveLivesBesideTheFirstJarAndNotForDirectories() {
        Path jar = tmp.resolve("target/kubermesh-cli.jar");
        assertThat(AgentArchive.location(command(jar + ":" + tmp.resolve("lib/a.jar"))))
                .contains(tmp.resolve("target/kubermesh-agent.jsa"));
        assertThat(AgentArchive.location(command(tmp.resolve("classes") + ":" + jar))).isEmpty();
        assertThat(AgentArchive.location(List.of("/usr/bin/java", "Main"))).isEmpty();
    }

    @Test
    void optionsGoRightAfterTheJavaExecutable() {
        assertThat(AgentArchive.withOptions(command("a.jar"), List.of("-XX:SharedArchiveFile=x.jsa")))
                .containsExactly("/usr/bin/java", "-XX:SharedArchiveFile=x.jsa", "-Xmx96m", "-cp", "a.jar",
                        "io.kubermesh.cli.Kubermesh");
    }

    @Test
    void anArchiveIsUsedOnlyWhenPresentAndNewerThanTheJars() throws Exception {
        Path jar = Files.createDirectories(tmp.resolve("target")).resolve("kubermesh-cli.jar");
        Files.writeString(jar, "jar");
        List<String> cmd = command(jar.toString());
        assertThat(AgentArchive.ifPresent(cmd)).isEqualTo(cmd);
        Path archive = tmp.resolve("target/kubermesh-agent.jsa");
        Files.writeString(archive, "archive");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(60)));
        assertThat(AgentArchive.ifPresent(cmd)).contains("-XX:SharedArchiveFile=" + archive).endsWith(cmd.get(cmd.size() - 1));
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(AgentArchive.ifPresent(cmd)).isEqualTo(cmd);
    }
}
