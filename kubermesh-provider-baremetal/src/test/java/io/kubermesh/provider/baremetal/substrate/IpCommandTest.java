package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.SubstrateException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the gateway's ip runs end: a command that hangs is killed at its time-out and named (the
 * first version read its output before waiting, so a hung ip held {@code up} or {@code down}
 * forever), a failure carries what the command printed, a success its output.
 */
class IpCommandTest {
    @Test
    void aCommandThatHangsIsKilledAtItsTimeOutAndNamed() {
        assertThatThrownBy(() -> IpCommand.run(CommandLine.configured(List.of("sh", "-c", "sleep 60")), Duration.ofMillis(500)))
                .isInstanceOf(SubstrateException.class).hasMessageContaining("sleep 60").hasMessageContaining("did not finish");
    }

    @Test
    void aFailureSaysWhatTheCommandPrinted() {
        assertThatThrownBy(() -> IpCommand.run(CommandLine.configured(List.of("sh", "-c", "echo 'Cannot find device kmx' >&2; exit 1")),
                Duration.ofSeconds(10))).isInstanceOf(SubstrateException.class).hasMessageContaining("Cannot find device kmx")
                .hasMessageContaining("status 1");
    }

    @Test
    void aSuccessGivesItsOutput() {
        assertThat(IpCommand.run(CommandLine.configured(List.of("sh", "-c", "echo '[{\"ifname\":\"lo\"}]'")), Duration.ofSeconds(10)))
                .contains("\"ifname\":\"lo\"");
    }
}
