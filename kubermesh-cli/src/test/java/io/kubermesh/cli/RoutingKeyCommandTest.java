package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubermesh routing-key}: bad input is refused before any lab is touched. */
class RoutingKeyCommandTest {
    @TempDir
    Path tmp;

    @Test
    void anUnknownActionIsRefusedNamingWhatIsKnown() {
        PlanCommandTest.Result r = PlanCommandTest.run("routing-key", "rotate", "--lab", tmp.resolve("none").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("rotate").contains("nothing (show the ids) or roll");
    }

    @Test
    void aStepTimeoutOutOfRangeIsRefused() {
        PlanCommandTest.Result r = PlanCommandTest.run("routing-key", "roll", "--step-timeout", "0", "--lab",
                tmp.resolve("none").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--step-timeout").contains("1..3600 seconds");
    }

    @Test
    void withoutALabItSaysThereIsNone() {
        PlanCommandTest.Result r = PlanCommandTest.run("routing-key", "--lab", tmp.resolve("none").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains(tmp.resolve("none").toString());
    }
}
