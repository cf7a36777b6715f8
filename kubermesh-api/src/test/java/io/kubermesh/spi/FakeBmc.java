package io.kubermesh.spi;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PowerException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A scripted BMC for {@link MachinePower} tests: a chassis whose power follows requests after a
 * number of readings, an operating system that may ignore a soft shutdown, and a log of every
 * request sent. Time is a manual clock that the sleeper advances, so nothing really waits.
 */
class FakeBmc implements PowerSession {
    static final PowerTarget TARGET = new PowerTarget("node1", new BmcAddress.Ipmi("192.0.2.10", 623),
            Optional.empty(), Optional.empty());

    final List<String> requests = new ArrayList<>();
    final Set<Capability> capabilities;
    PowerState reading;
    /** Readings after a request before the chassis reaches its new state. */
    int lag;
    boolean osHonoursSoftOff = true;
    PowerException readFailure;
    private PowerState pending;
    private int countdown;
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    FakeBmc(PowerState initial, Set<Capability> capabilities) {
        this.reading = initial;
        this.capabilities = capabilities;
    }

    FakeBmc(PowerState initial) {
        this(initial, EnumSet.allOf(Capability.class));
    }

    MachinePower power(PowerPolicy policy, List<PowerState> progress) {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new MachinePower(TARGET, this, policy, clock, d -> now = now.plus(d), progress::add);
    }

    static PowerPolicy policy() {
        return new PowerPolicy(Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(10),
                Duration.ofSeconds(10), Duration.ofSeconds(10));
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public PowerState read() {
        if (readFailure != null) {
            throw readFailure;
        }
        if (pending != null && countdown-- <= 0) {
            reading = pending;
            pending = null;
        }
        return reading;
    }

    private void become(PowerState target, PowerState transitional) {
        if (lag == 0) {
            reading = target;
        } else {
            reading = transitional == null ? reading : transitional;
            pending = target;
            countdown = lag;
        }
    }

    @Override
    public void powerOn() {
        requests.add("on");
        become(PowerState.ON, null);
    }

    @Override
    public void softOff() {
        requests.add("soft-off");
        if (osHonoursSoftOff) {
            become(PowerState.OFF, PowerState.POWERING_OFF);
        }
    }

    @Override
    public void hardOff() {
        requests.add("hard-off");
        become(PowerState.OFF, null);
    }

    @Override
    public void bootOnce(BootDevice device) {
        requests.add("boot-" + device);
    }

    @Override
    public void close() {
        requests.add("close");
    }

    static MacAddress mac() {
        return MacAddress.parse("52:54:00:00:00:01");
    }
}
