package io.kubermesh.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The agent JVM's command: this JVM's java, the agent's options, a class path that holds the main class. */
class AgentJvmTest {
    @Test
    void theCommandRunsTheMainClassWithThisJavaAndAClassPathHoldingIt() throws Exception {
        List<String> c = AgentJvm.command(AgentJvmTest.class, "96m", "-Xss512k");
        assertThat(c.get(0)).isEqualTo(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        assertThat(c).containsSubsequence("-Xmx96m", "-Xss512k", "-XX:+UseSerialGC", "-cp");
        assertThat(c.get(c.size() - 1)).isEqualTo(AgentJvmTest.class.getName());
        String own = Path.of(AgentJvmTest.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        assertThat(List.of(c.get(c.indexOf("-cp") + 1).split(File.pathSeparator))).contains(own);
        assertThat(AgentJvm.commandLine(AgentJvmTest.class, "96m", List.of("--name", "node1")).argv())
                .endsWith(AgentJvmTest.class.getName(), "--name", "node1");
    }
}
