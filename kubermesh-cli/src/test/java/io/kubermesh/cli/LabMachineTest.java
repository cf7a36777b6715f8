package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class LabMachineTest {
    @Test
    void firmwareAndAgentGetWhatTheLauncherWrites() {
        FirmwareCommand f = (FirmwareCommand) LabMachine.command(new String[] {"firmware", "--config", "/lab/cluster.yaml",
                "--state", "/lab/machines/m/state", "--name", "m"});
        assertThat(f.config).isEqualTo(Path.of("/lab/cluster.yaml"));
        assertThat(f.state).isEqualTo(Path.of("/lab/machines/m/state"));
        assertThat(f.name).isEqualTo("m");
        AgentCommand a = (AgentCommand) LabMachine.command(new String[] {"agent", "--name", "gateway", "--config", "c.yaml",
                "--state", "s"});
        assertThat(a.name).isEqualTo("gateway");
        assertThat(a.config).isEqualTo(Path.of("c.yaml"));
        assertThat(a.stub).isEqualTo(io.kubermesh.agent.AgentSettings.DEFAULT_STUB);
        assertThat(a.etcdBootstrap).isFalse();
        // The deployed machine (the gateway) starts the etcd cluster the others join.
        AgentCommand g = (AgentCommand) LabMachine.command(new String[] {"agent", "--config", "c.yaml", "--state", "s",
                "--name", "gateway", "--etcd-bootstrap"});
        assertThat(g.etcdBootstrap).isTrue();
        assertThat(g.name).isEqualTo("gateway");
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> LabMachine.command(new String[] {"plan", "--config", "c", "--state", "s", "--name", "n"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> LabMachine.command(new String[] {"agent", "--config", "c", "--name", "n"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> LabMachine.command(new String[] {"agent", "--config", "c", "--state", "s", "--name"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> LabMachine.command(new String[] {"agent", "--bogus", "x", "--config", "c", "--state", "s",
                "--name", "n"})).hasMessageContaining("usage");
        // Firmware never bootstraps etcd: it hands over to an agent that joins.
        assertThatThrownBy(() -> LabMachine.command(new String[] {"firmware", "--config", "c", "--state", "s", "--name", "n",
                "--etcd-bootstrap"})).hasMessageContaining("usage");
    }
}
