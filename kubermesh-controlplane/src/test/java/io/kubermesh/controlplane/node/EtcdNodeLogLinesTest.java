package io.kubermesh.controlplane.node;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EtcdNodeLogLinesTest {

    @Test
    void keepsTheLastLinesOfAnExitedMembersLog() {
        String log = "a\nb\nc\nd\n";
        assertThat(EtcdNode.lastLines(log, 3)).isEqualTo("b\nc\nd");
        assertThat(EtcdNode.lastLines("only", 3)).isEqualTo("only");
        assertThat(EtcdNode.lastLines("", 3)).isEmpty();
    }

    @Test
    void cutsLongLines() {
        String line = "x".repeat(1000);
        assertThat(EtcdNode.lastLines("first\n" + line, 1)).isEqualTo("x".repeat(300) + "...");
    }
}
