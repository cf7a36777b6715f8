package io.kubermesh.spi;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.PowerException;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class MachinePowerProperties {
    @Property
    void onNeverCutsPowerAndReportsOnOnlyFromAReading(@ForAll PowerState initial, @ForAll @IntRange(min = 0, max = 20) int lag) {
        FakeBmc bmc = new FakeBmc(initial);
        bmc.lag = lag;
        List<PowerState> progress = new ArrayList<>();
        try {
            PowerState result = bmc.power(FakeBmc.policy(), progress).on();
            assertThat(result).isEqualTo(PowerState.ON).isEqualTo(bmc.reading);
        } catch (PowerException e) {
            assertThat(e.reason()).isEqualTo(PowerException.Reason.TIMEOUT);
            assertThat(bmc.reading).isNotEqualTo(PowerState.ON);
        }
        assertThat(bmc.requests).doesNotContain("hard-off", "soft-off");
        assertThat(bmc.requests.stream().filter("on"::equals).count()).isLessThanOrEqualTo(1);
    }

    @Property
    void offEndsOffOrSaysWhyAndNeverPowersOn(@ForAll PowerState initial, @ForAll @IntRange(min = 0, max = 20) int lag,
                                             @ForAll boolean osHonoursSoftOff) {
        FakeBmc bmc = new FakeBmc(initial);
        bmc.lag = lag;
        bmc.osHonoursSoftOff = osHonoursSoftOff;
        try {
            assertThat(bmc.power(FakeBmc.policy(), new ArrayList<>()).off()).isEqualTo(PowerState.OFF).isEqualTo(bmc.reading);
        } catch (PowerException e) {
            assertThat(e.reason()).isEqualTo(PowerException.Reason.TIMEOUT);
        }
        assertThat(bmc.requests).doesNotContain("on");
        if (initial == PowerState.OFF) {
            assertThat(bmc.requests).isEmpty();
        }
    }
}
