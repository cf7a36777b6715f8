package io.kubermesh.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.ConfigurationException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PowerDriversTest {
    private static PowerDriver named(String name) {
        return new PowerDriver() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public PowerSession open(PowerTarget target, Duration callTimeout) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void choosesByNameAndListsEveryDriverWhenNoneMatches() {
        List<PowerDriver> found = List.of(named("ipmi"), named("redfish"));
        assertThat(PowerDrivers.driver("NODE[0]", "redfish", found).name()).isEqualTo("redfish");
        assertThatThrownBy(() -> PowerDrivers.driver("NODE[0]", "wol", found)).isInstanceOfSatisfying(ConfigurationException.class,
                e -> assertThat(e.getMessage()).contains("NODE[0]: 'wol'").contains("[ipmi, redfish]"));
        assertThatThrownBy(() -> PowerDrivers.driver("NODE[0]", "ipmi", List.of(named("ipmi"), named("ipmi"))))
                .hasMessageContaining("a name only one power driver has");
        assertThatThrownBy(() -> PowerDrivers.driver("NODE[0]", "ipmi", List.of())).hasMessageContaining("found none");
    }

    @Test
    void theApiAloneHasNoDrivers() {
        assertThat(PowerDrivers.drivers()).isEmpty();
    }
}
