package io.kubermesh.provider.netns.firmware;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IpxeChainTest {
    @Test
    void errorsNeverShowTheBootSecret() {
        String refused = "POST http://[2001:db8::a4:a800:2:20]:8080/machines/52:54:00:00:02:00/phone-home?secret=2db4577dc3f0"
                + " : HTTP 409 refused; GET http://[::1]/ignition?mac=52:54:00:00:02:00&secret=abc&x=1";
        assertThat(IpxeChain.redact(refused)).doesNotContain("2db4577dc3f0").doesNotContain("secret=abc")
                .contains("phone-home?secret=<redacted> : HTTP 409").contains("secret=<redacted>&x=1");
        assertThat(IpxeChain.redact("no secret here")).isEqualTo("no secret here");
    }
}
