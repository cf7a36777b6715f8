package io.kubermesh.provider.netns.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class NetnsMachineTest {
    @Test
    void firmwareAndAgentGetWhatTheLauncherWrites() {
        NetnsMachine.FirmwareRun f = (NetnsMachine.FirmwareRun) NetnsMachine.command(new String[] {"firmware",
                "--state", "/lab/machines/m/state", "--name", "m"});
        assertThat(f.state()).isEqualTo(Path.of("/lab/machines/m/state"));
        assertThat(f.name()).isEqualTo("m");
        assertThat(NetnsMachine.command(MachineLauncher.arguments("gateway", true, Path.of("c.yaml"), Path.of("s"), true)
                .toArray(String[]::new))).isNotNull().isNotInstanceOf(NetnsMachine.FirmwareRun.class);
        assertThat(NetnsMachine.command(MachineLauncher.arguments("m", false, null, Path.of("s"), false)
                .toArray(String[]::new))).isInstanceOf(NetnsMachine.FirmwareRun.class);
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> NetnsMachine.command(new String[] {"plan", "--config", "c", "--state", "s", "--name", "n"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> NetnsMachine.command(new String[] {"agent", "--config", "c", "--name", "n"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> NetnsMachine.command(new String[] {"agent", "--state", "s", "--name", "n"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> NetnsMachine.command(new String[] {"agent", "--config", "c", "--state", "s", "--name"}))
                .hasMessageContaining("usage");
        assertThatThrownBy(() -> NetnsMachine.command(new String[] {"agent", "--bogus", "x", "--config", "c", "--state", "s",
                "--name", "n"})).hasMessageContaining("usage");
        // Firmware never bootstraps etcd: it hands over to an agent that joins.
        assertThatThrownBy(() -> NetnsMachine.command(new String[] {"firmware", "--state", "s", "--name", "n",
                "--etcd-bootstrap"})).hasMessageContaining("usage");
    }
}
