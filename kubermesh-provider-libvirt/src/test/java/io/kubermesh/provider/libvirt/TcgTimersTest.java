package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.RoutingSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Which cluster files' failure detection a TCG lab warns about. */
class TcgTimersTest {
    private static RoutingSpec routing(String bfdInterval, int multiplier, String dead) {
        return new RoutingSpec(RoutingSpec.Daemon.FRR, Duration.ofSeconds(1), Duration.parse(dead), Duration.parse(bfdInterval),
                multiplier);
    }

    @Test
    void theSeedsDetectionIsTooTightForTcgAndTheWarningSaysWhatToWrite() {
        RoutingSpec seed = ClusterConfig.seed().routing();
        assertThat(LibvirtSubstrate.tcgTimers(seed)).get().asString()
                .contains("TCG")
                .contains("BFD " + seed.bfdInterval().toMillis() + " ms x " + seed.bfdMultiplier())
                .contains("interval: 500ms, multiplier: 6");
    }

    @Test
    void detectionOfThreeSecondsOrMoreOnBothIsQuietAndEitherBelowWarns() {
        assertThat(LibvirtSubstrate.tcgTimers(routing("PT0.5S", 6, "PT8S"))).isEmpty();
        assertThat(LibvirtSubstrate.tcgTimers(routing("PT1S", 3, "PT3S"))).isEmpty();
        assertThat(LibvirtSubstrate.tcgTimers(routing("PT0.5S", 5, "PT8S"))).get().asString().contains("2500 ms");
        assertThat(LibvirtSubstrate.tcgTimers(routing("PT0.5S", 6, "PT2S"))).get().asString().contains("OSPF dead 2000 ms");
    }
}
