package io.kubermesh.image.node;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodeSetupTest {
    @Test
    void theSetupTakesTheLastPoolAddressOfTheNeighboursPort() throws IOException {
        // Port 0 of 52:54:00:4b:00:11 in the seed plan: this end ::2220, pool ::2221 .. ::2223.
        assertThat(NodeSetup.poolAddress("2001:db8::a4:a800:9600:2220")).isEqualTo("2001:db8::a4:a800:9600:2223");
        assertThatThrownBy(() -> NodeSetup.poolAddress("2001:db8::a4:a800:9600:2221")).isInstanceOf(IOException.class)
                .hasMessageContaining("this-end");
    }

    @Test
    void hostsNamesTheNode() {
        assertThat(NodeSetup.hosts("km-525400123456")).contains("127.0.1.1 km-525400123456\n", "127.0.0.1 localhost\n");
    }

    @Test
    void bootSecretsNeverReachTheConsole() {
        org.assertj.core.api.Assertions.assertThat(NodeSetup.redacted(
                "fetching the Ignition config from http://[2001:db8::20]:8080/ignition?mac=52:54:00:00:00:01&secret=2e912d39c0bb5c80"))
                .isEqualTo("fetching the Ignition config from http://[2001:db8::20]:8080/ignition?mac=52:54:00:00:00:01&secret=<redacted>");
        org.assertj.core.api.Assertions.assertThat(NodeSetup.redacted("POST http://x/machines/m/phone-home?secret=abc: HTTP 403"))
                .isEqualTo("POST http://x/machines/m/phone-home?secret=<redacted>: HTTP 403");
    }

    @Test
    void phoneHomeUsesTheUrlTheIgnitionConfigGaveWithItsSecret() {
        assertThat(NodeSetup.phoneHomeUrl("http://[2001:db8::20]:8080/machines/52:54:00:00:00:01/phone-home?secret=ab12\n",
                "http://[2001:db8::20]:8080", "52:54:00:00:00:01"))
                .isEqualTo("http://[2001:db8::20]:8080/machines/52:54:00:00:00:01/phone-home?secret=ab12");
        assertThat(NodeSetup.phoneHomeUrl(null, "http://[2001:db8::20]:8080", "52:54:00:00:00:01"))
                .isEqualTo("http://[2001:db8::20]:8080/machines/52:54:00:00:00:01/phone-home");
        assertThat(NodeSetup.phoneHomeUrl(" \n", "http://s", "m")).isEqualTo("http://s/machines/m/phone-home");
    }
}
