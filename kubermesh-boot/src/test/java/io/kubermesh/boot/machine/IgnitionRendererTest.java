package io.kubermesh.boot.machine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class IgnitionRendererTest {
    @Test
    void dataUrlsPercentEncodeEverythingButUnreserved() {
        assertThat(IgnitionRenderer.dataUrl("a b\n/é")).isEqualTo("data:,a%20b%0A%2F%C3%A9");
        assertThat(IgnitionRenderer.dataUrl("")).isEqualTo("data:,");
    }
}
