package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.agent.NodeSetupResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code kubermesh agent}'s options: the setup result comes from the option, else the node OS's environment variable. */
class AgentCommandTest {
    @Test
    void withoutTheOptionOrTheVariableThereIsNoSetupResult() {
        assertThat(System.getenv(NodeSetupResult.ENV)).as("the test runs outside a node OS").isNull();
        AgentCommand a = new AgentCommand();
        new CommandLine(a).parseArgs("--config", "cluster.yaml");
        assertThat(a.setupResult).isNull();
        assertThat(a.state).isEqualTo(Path.of("/var/lib/kubermesh"));
    }

    @Test
    void theOptionNamesTheFile() {
        AgentCommand a = new AgentCommand();
        new CommandLine(a).parseArgs("--config", "cluster.yaml", "--setup-result", "/run/kubermesh/setup.json");
        assertThat(a.setupResult).isEqualTo(NodeSetupResult.NODE_OS_FILE);
    }
}
