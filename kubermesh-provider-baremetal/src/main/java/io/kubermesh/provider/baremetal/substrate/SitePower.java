package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.addressing.site.SiteMachine;
import io.kubermesh.api.NotApplicableException;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.MachinePower;
import io.kubermesh.spi.PowerAdvice;
import io.kubermesh.spi.PowerDriver;
import io.kubermesh.spi.PowerDrivers;
import io.kubermesh.spi.PowerPolicy;
import io.kubermesh.spi.PowerState;
import io.kubermesh.spi.PowerTarget;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The power of the site's BMC machines: each operation opens a session through the driver the
 * machine's BMC address names, drives it through {@link MachinePower} (idempotent, reported once
 * the BMC reads it, every call bounded) and closes it.
 */
final class SitePower {
    private static final Logger LOG = LoggerFactory.getLogger(SitePower.class);

    private final SiteInventory site;
    private final PowerPolicy policy;
    private final List<PowerDriver> drivers;

    SitePower(SiteInventory site, PowerPolicy policy, List<PowerDriver> drivers) {
        this.site = site;
        this.policy = policy;
        this.drivers = List.copyOf(drivers);
    }

    /** The machine's BMC, or a refusal saying the inventory gives it none. */
    PowerTarget target(String machine) {
        SiteMachine m = site.machine(machine).orElseThrow();
        return m.power().orElseThrow(() -> new SubstrateException("machine " + m.name() + " has no bmc in the site inventory "
                + site.name() + ": the baremetal substrate cannot power it (add bmc: ipmi://, redfish:// or wol)"));
    }

    /** Power on; a blank machine with network as its one-time boot device first. */
    void on(String machine, boolean netboot) {
        try (MachinePower power = open(machine, policy)) {
            if (netboot) {
                power.bootOnce(BootDevice.NETWORK);
            }
            power.on();
        }
    }

    /** The operating system is asked first and given {@code grace}, then the power is cut. */
    void off(String machine, Duration grace) {
        try (MachinePower power = open(machine, policy.withSoftOff(grace))) {
            power.off();
        }
    }

    /** What the BMC reads now: on or not, with a problem when it cannot tell or does not answer. */
    record Reading(boolean on, Optional<String> problem) {
    }

    /** The BMC's reading; one that cannot tell or does not answer is a problem, not "off". */
    Reading read(String machine) {
        try (MachinePower power = open(machine, policy)) {
            PowerState s = power.state();
            return s == PowerState.UNKNOWN
                    ? new Reading(false, Optional.of("its BMC (" + power.target().address().driver() + ") cannot read the power state"))
                    : new Reading(s == PowerState.ON, Optional.empty());
        } catch (PowerException e) {
            String why = PowerAdvice.explain(target(machine), e);
            LOG.warn("{}: power state unknown: {}", machine, why);
            return new Reading(false, Optional.of(why));
        }
    }

    /** The serial console over the BMC (IPMI SOL) until the handle is closed; not applicable without one. */
    AutoCloseable console(String machine, Consumer<String> lines) {
        MachinePower power = open(machine, policy);
        try {
            AutoCloseable sol = power.console(lines);
            return () -> {
                try {
                    sol.close();
                } finally {
                    power.close();
                }
            };
        } catch (PowerException e) {
            power.close();
            if (e.reason() == PowerException.Reason.UNSUPPORTED) {
                throw new NotApplicableException(BaremetalSubstrate.NAME, "show the console of " + machine, "its BMC ("
                        + power.target().address().driver() + ") has no serial console");
            }
            throw e;
        } catch (RuntimeException e) {
            power.close();
            throw e;
        }
    }

    private MachinePower open(String machine, PowerPolicy with) {
        PowerTarget target = target(machine);
        PowerDriver driver = PowerDrivers.driver("site.machines." + machine + ".bmc", target.address().driver(), drivers);
        return MachinePower.open(driver, target, with, s -> LOG.info("{}: {}", machine, s.text()));
    }
}
