package io.kubermesh.provider.baremetal;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.spi.PowerDriver;
import io.kubermesh.spi.PowerDrivers;
import org.junit.jupiter.api.Test;

/** The drivers are found through ServiceLoader by the names BMC addresses select them by. */
class DriversFoundTest {
    @Test
    void ipmiRedfishAndWakeOnLanAreRegistered() {
        assertThat(PowerDrivers.drivers()).extracting(PowerDriver::name).containsExactlyInAnyOrder("ipmi", "redfish", "wol");
        assertThat(PowerDrivers.driver("x", "ipmi").description()).contains("RMCP+");
    }
}
