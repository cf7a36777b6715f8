package io.kubermesh.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.AgentChannel;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class JoinWatchTest {
    private static final String LEFT_STOPPED =
            "agent exited (status 1) 6 times in a row: left stopped (systemd's start limit)";

    @Test
    void anAgentTheConsoleSaysIsLeftStoppedFailsWithThatLineNotTheDeadline() {
        ConsoleOnly substrate = new ConsoleOnly();
        substrate.console.add("firmware: handing over");
        JoinWatch watch = new JoinWatch(substrate, new MachineAgents(substrate));
        List<String> before = watch.consoleBefore("m1");
        substrate.console.add("agent exited (status 1); restarting as systemd would");
        substrate.console.add(LEFT_STOPPED);

        // An hour's deadline: only the console line can end this wait.
        assertThatThrownBy(() -> watch.awaitAgent("m1", 3600, before))
                .isInstanceOf(SubstrateException.class)
                .hasMessageContaining("m1: its agent will not start (" + LEFT_STOPPED + ")")
                .hasMessageContaining("kubermesh lab revive m1")
                .hasMessageNotContaining("did not answer within");
    }

    @Test
    void anEarlierBootsGivenUpLineDoesNotEndTheWait() {
        ConsoleOnly substrate = new ConsoleOnly();
        substrate.console.add(LEFT_STOPPED);
        JoinWatch watch = new JoinWatch(substrate, new MachineAgents(substrate));
        List<String> before = watch.consoleBefore("m1");

        assertThatThrownBy(() -> watch.awaitAgent("m1", 2, before))
                .isInstanceOf(SubstrateException.class)
                .hasMessageContaining("did not answer within 2 s");
    }

    @Test
    void appendedIsWhatCameAfterTheEarlierTail() {
        assertThat(JoinWatch.appended(List.of("a", "b", "c"), List.of("b", "c", "d"))).containsExactly("d");
        assertThat(JoinWatch.appended(List.of("a", "b"), List.of("a", "b"))).isEmpty();
        assertThat(JoinWatch.appended(List.of(), List.of("x"))).containsExactly("x");
        assertThat(JoinWatch.appended(List.of("a", "b"), List.of("x", "y"))).containsExactly("x", "y");
    }

    @Test
    void gaveUpFindsTheSupervisorsAndSystemdsLines() {
        assertThat(JoinWatch.gaveUp(List.of("boot", LEFT_STOPPED))).contains(LEFT_STOPPED);
        assertThat(JoinWatch.gaveUp(List.of("firmware exited (status 1) before handing over: nothing to restart")))
                .isPresent();
        assertThat(JoinWatch.gaveUp(List.of("kubermesh-agent.service: Failed with result 'start-limit-hit'.")))
                .isPresent();
        assertThat(JoinWatch.gaveUp(List.of("agent exited (signal 9); restarting as systemd would"))).isEmpty();
    }

    /** A machine with a console and no agent answering yet. */
    private static final class ConsoleOnly implements Substrate {
        final List<String> console = new ArrayList<>();

        @Override
        public List<String> consoleTail(String machine, int lines) {
            return List.copyOf(console.subList(Math.max(0, console.size() - lines), console.size()));
        }

        @Override
        public AgentChannel agent(String machine) {
            throw new SubstrateException("no agent answers on " + machine + " yet");
        }

        @Override
        public void addMachine(MachineSpec machine) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cable(PortRef a, PortRef b) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void cut(PortRef a, PortRef b) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void powerOn(String machine) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void powerOff(String machine) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void removeMachine(String machine) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<MachineStatus> machines() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Topology topology() {
            throw new UnsupportedOperationException();
        }

        @Override
        public AutoCloseable console(String machine, Consumer<String> lines) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void close() {
        }
    }

    @Test
    void aMachineIsAskedEvery100msForItsFirst20sThenEvery500ms() {
        assertThat(JoinWatch.pollMillis(0)).isEqualTo(100);
        assertThat(JoinWatch.pollMillis(19_999_000_000L)).isEqualTo(100);
        assertThat(JoinWatch.pollMillis(20_000_000_000L)).isEqualTo(500);
        assertThat(JoinWatch.pollMillis(600_000_000_000L)).isEqualTo(500);
    }
}
