package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.controlplane.node.EtcdNodeStatus;
import io.kubermesh.testkit.ManualClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EtcdMemberHealthTest {
    private static final String URL = "https://[fd00::1]:2379";

    private final ManualClock clock = new ManualClock();
    private final ComponentHealth component = new ComponentHealth("etcd", clock);

    private static Optional<EtcdNodeStatus> member(boolean healthy) {
        return Optional.of(new EtcdNodeStatus("n1", "", "https://[fd00::1]:2380", URL, "voter", false, healthy));
    }

    @Test
    void aNewMemberIsStartingWithinTheGraceThenFailsWithItsLogsLastLine(@TempDir Path logs) throws Exception {
        Files.writeString(logs.resolve("n1.log"), "first\n{\"msg\":\"cannot bind peer port\"}\n\n");
        EtcdMemberHealth health = new EtcdMemberHealth(component, clock, logs);
        health.update(member(false), "");
        clock.advance(EtcdMemberHealth.START_GRACE);
        health.update(member(false), "");
        assertThat(component.view().state()).isEqualTo(ComponentStatus.STARTING);
        clock.advance(Duration.ofSeconds(1));
        health.update(member(false), "");
        assertThat(component.view().state()).isEqualTo(ComponentStatus.FAILED);
        assertThat(component.view().error()).contains("within 45 s").contains("cannot bind peer port")
                .contains(logs.resolve("n1.log").toString());
    }

    @Test
    void aMemberThatWasHealthyKeepsRunningThroughAShortElectionThenFailsAndRecovers(@TempDir Path logs) {
        EtcdMemberHealth health = new EtcdMemberHealth(component, clock, logs);
        health.update(member(true), "");
        assertThat(component.view().state()).isEqualTo(ComponentStatus.RUNNING);
        health.update(member(false), "");
        clock.advance(EtcdMemberHealth.UNHEALTHY_GRACE);
        health.update(member(false), "");
        assertThat(component.view().state()).isEqualTo(ComponentStatus.RUNNING);
        assertThat(component.view().error()).contains("does not answer healthy at " + URL);
        clock.advance(Duration.ofSeconds(1));
        health.update(member(false), "");
        assertThat(component.view().state()).isEqualTo(ComponentStatus.FAILED);
        assertThat(component.view().error()).contains("cannot be read");
        health.update(member(true), "");
        assertThat(component.view().state()).isEqualTo(ComponentStatus.RUNNING);
        // A new outage gets its own grace: the earlier one is not counted against it.
        health.update(member(false), "");
        clock.advance(EtcdMemberHealth.UNHEALTHY_GRACE);
        health.update(member(false), "");
        assertThat(component.view().state()).isEqualTo(ComponentStatus.RUNNING);
    }

    @Test
    void withoutAMemberItIsOffWhenThisNodeIsNoneAndStartingOtherwise(@TempDir Path logs) {
        EtcdMemberHealth health = new EtcdMemberHealth(component, clock, logs);
        health.update(Optional.empty(), "waiting for etcd at " + URL);
        assertThat(component.view().state()).isEqualTo(ComponentStatus.STARTING);
        assertThat(component.view().detail()).isEqualTo("waiting for etcd at " + URL);
        health.update(Optional.empty(), "not a member: 3 voters run elsewhere");
        assertThat(component.view().state()).isEqualTo(ComponentStatus.OFF);
    }
}
