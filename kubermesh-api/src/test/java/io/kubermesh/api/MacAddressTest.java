package io.kubermesh.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class MacAddressTest {
    @Test
    void parsesColonsAndHyphensAndPrintsLowerCaseColons() {
        assertThat(MacAddress.parse("52:54:00:12:34:56").value()).isEqualTo(0x525400123456L);
        assertThat(MacAddress.parse("52-54-00-AB-CD-EF")).hasToString("52:54:00:ab:cd:ef");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "52:54:00:12:34", "52:54:00:12:34:56:78", "52:54-00:12:34:56", "5254.0012.3456",
            "52:54:00:12:34:5g", "52:54:00:12:34:5", " : : : : : "})
    void malformedMacsNameTheFieldAndTheForm(String bad) {
        assertThatThrownBy(() -> MacAddress.parse("--mac", bad)).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--mac").hasMessageContaining("six hex octets");
    }

    @Test
    void groupLocalAndUniversalBits() {
        assertThat(MacAddress.parse("01:00:5e:00:00:01").isMulticast()).isTrue();
        assertThat(MacAddress.parse("ff:ff:ff:ff:ff:ff").isUsableIdentity()).isFalse();
        assertThat(MacAddress.parse("02:00:00:00:00:01").isLocallyAdministered()).isTrue();
        assertThat(MacAddress.parse("00:11:22:33:44:55").isUniversal()).isTrue();
    }

    @Test
    void eui64FlipsTheUniversalBitAndInsertsFffe() {
        // RFC 4291 appendix A: 52:54:00:12:34:56 -> 5054:00ff:fe12:3456.
        assertThat(MacAddress.parse("52:54:00:12:34:56").eui64()).isEqualTo(0x505400fffe123456L);
    }

    @Test
    void bytesRoundTrip() {
        MacAddress m = MacAddress.parse("de:ad:be:ef:00:01");
        assertThat(MacAddress.fromBytes(m.toBytes())).isEqualTo(m);
    }
}
