package io.kubermesh.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.spi.PowerSession.Capability;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class MachinePowerTest {
    private final List<PowerState> progress = new ArrayList<>();

    @Test
    void offWhenAlreadyOffSendsNothingAndSucceeds() {
        FakeBmc bmc = new FakeBmc(PowerState.OFF);
        assertThat(bmc.power(FakeBmc.policy(), progress).off()).isEqualTo(PowerState.OFF);
        assertThat(bmc.requests).isEmpty();
        assertThat(progress).containsExactly(PowerState.OFF);
    }

    @Test
    void onWhenAlreadyOnSendsNothing() {
        FakeBmc bmc = new FakeBmc(PowerState.ON);
        assertThat(bmc.power(FakeBmc.policy(), progress).on()).isEqualTo(PowerState.ON);
        assertThat(bmc.requests).isEmpty();
    }

    @Test
    void onIsReportedOnlyOnceAReadingShowsIt() {
        FakeBmc bmc = new FakeBmc(PowerState.OFF);
        bmc.lag = 3;
        assertThat(bmc.power(FakeBmc.policy(), progress).on()).isEqualTo(PowerState.ON);
        assertThat(bmc.requests).containsExactly("on");
        assertThat(progress).containsExactly(PowerState.POWERING_ON, PowerState.ON);
    }

    @Test
    void onOfAMachineInAnUnknownStateOnlyAsksForPowerOn() {
        FakeBmc bmc = new FakeBmc(PowerState.UNKNOWN);
        bmc.lag = 2;
        assertThat(bmc.power(FakeBmc.policy(), progress).on()).isEqualTo(PowerState.ON);
        assertThat(bmc.requests).containsExactly("on");
    }

    @Test
    void onThatNeverHoldsTimesOutNamingTheLastReading() {
        FakeBmc bmc = new FakeBmc(PowerState.OFF);
        bmc.lag = 1000;
        assertThatThrownBy(() -> bmc.power(FakeBmc.policy(), progress).on())
                .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
                .hasMessageContaining("node1 (ipmi://192.0.2.10:623) did not come on within 10 s")
                .hasMessageContaining("last reading was off");
    }

    @Test
    void offAsksTheOperatingSystemFirst() {
        FakeBmc bmc = new FakeBmc(PowerState.ON);
        bmc.lag = 2;
        assertThat(bmc.power(FakeBmc.policy(), progress).off()).isEqualTo(PowerState.OFF);
        assertThat(bmc.requests).containsExactly("soft-off");
        assertThat(progress).first().isEqualTo(PowerState.POWERING_OFF);
        assertThat(progress).last().isEqualTo(PowerState.OFF);
    }

    @Test
    void offCutsPowerWhenTheOperatingSystemIgnoresTheSoftShutdown() {
        FakeBmc bmc = new FakeBmc(PowerState.ON);
        bmc.osHonoursSoftOff = false;
        assertThat(bmc.power(FakeBmc.policy(), progress).off()).isEqualTo(PowerState.OFF);
        assertThat(bmc.requests).containsExactly("soft-off", "hard-off");
    }

    @Test
    void forceOffCutsPowerAtOnce() {
        FakeBmc bmc = new FakeBmc(PowerState.ON);
        assertThat(bmc.power(FakeBmc.policy(), progress).forceOff()).isEqualTo(PowerState.OFF);
        assertThat(bmc.requests).containsExactly("hard-off");
    }

    @Test
    void cycleOfAMachineThatIsOffOnlyPowersItOn() {
        FakeBmc bmc = new FakeBmc(PowerState.OFF);
        assertThat(bmc.power(FakeBmc.policy(), progress).cycle()).isEqualTo(PowerState.ON);
        assertThat(bmc.requests).containsExactly("on");
    }

    @Test
    void cycleOfARunningMachineCutsAndRestoresPower() {
        FakeBmc bmc = new FakeBmc(PowerState.ON);
        bmc.lag = 1;
        assertThat(bmc.power(FakeBmc.policy(), progress).cycle()).isEqualTo(PowerState.ON);
        assertThat(bmc.requests).containsExactly("hard-off", "on");
    }

    @Test
    void aDriverWithoutStateSendsOnAndSaysItCannotConfirm() {
        FakeBmc bmc = new FakeBmc(PowerState.UNKNOWN, EnumSet.of(Capability.POWER_ON));
        assertThat(bmc.power(FakeBmc.policy(), progress).on()).isEqualTo(PowerState.UNKNOWN);
        assertThat(bmc.requests).containsExactly("on");
    }

    @Test
    void aDriverThatCannotPowerOffSaysSo() {
        PowerTarget wol = new PowerTarget("node3", new BmcAddress.WakeOnLan(FakeBmc.mac(), "cluster1", "gateway:1"),
                java.util.Optional.empty(), java.util.Optional.empty());
        FakeBmc bmc = new FakeBmc(PowerState.UNKNOWN, EnumSet.of(Capability.POWER_ON));
        MachinePower power = new MachinePower(wol, bmc, FakeBmc.policy(), Clock.systemUTC(), d -> { }, progress::add);
        assertThatThrownBy(power::off)
                .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.UNSUPPORTED))
                .hasMessageContaining("Wake-on-LAN only wakes machines");
        assertThat(bmc.requests).isEmpty();
    }

    @Test
    void aWrongPasswordWhileWaitingIsNotRetried() {
        FakeBmc bmc = new FakeBmc(PowerState.ON);
        bmc.readFailure = new PowerException(Reason.AUTHENTICATION, "bad password");
        assertThatThrownBy(() -> bmc.power(FakeBmc.policy(), progress).off())
                .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION));
    }

    @Test
    void aHangingDriverIsReportedAsATimeoutNotAHang() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        FakeBmc bmc = new FakeBmc(PowerState.ON) {
            @Override
            public PowerState read() {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return PowerState.ON;
            }
        };
        PowerPolicy quick = new PowerPolicy(Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThatThrownBy(() -> bmc.power(quick, progress).state())
                .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
                .hasMessageContaining("reading the power state got no answer within 50 ms");
    }

    @Test
    void bootOnceIsOneRequest() {
        FakeBmc bmc = new FakeBmc(PowerState.OFF);
        bmc.power(FakeBmc.policy(), progress).bootOnce(BootDevice.NETWORK);
        assertThat(bmc.requests).containsExactly("boot-NETWORK");
    }
}
