package io.kubermesh.spi;

import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.spi.PowerSession.Capability;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * One machine's power operations, the same for every driver: what users of Tinkerbell Rufio,
 * Metal3 and MAAS found missing is written here once.
 *
 * <ul>
 *   <li>Idempotent: {@link #on()} of a machine that reads on sends nothing; {@link #off()} of one
 *       that reads off sends nothing and succeeds.</li>
 *   <li>A state is reported only once a reading shows it: operations poll until it holds or their
 *       time is up, reporting {@link PowerState#POWERING_ON}/{@link PowerState#POWERING_OFF} to the
 *       progress listener in between, and fail with {@code TIMEOUT} naming the last reading.</li>
 *   <li>{@link #on()} only ever asks for power on: a machine whose state is unknown is never reset
 *       or cycled, so a live node is never cut by "make sure it is on".</li>
 *   <li>{@link #off()} asks the operating system first and cuts power only when the soft timeout
 *       has passed.</li>
 *   <li>Every exchange with the BMC runs with a bound ({@link PowerPolicy#call()}); one that does
 *       not return in time is reported as {@code TIMEOUT}, whatever the driver does.</li>
 * </ul>
 *
 * Not safe for concurrent operations on the same machine; one caller drives one machine.
 */
public final class MachinePower implements AutoCloseable {
    /** Pauses between readings; tests pass one that advances a manual clock. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(Math.max(1, d.toMillis()));
    }

    private final PowerTarget target;
    private final PowerSession session;
    private final PowerPolicy policy;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Consumer<PowerState> progress;
    private final ExecutorService calls;

    /**
     * Drives an open session.
     *
     * @param progress told every state an operation passes through, the final one included
     */
    public MachinePower(PowerTarget target, PowerSession session, PowerPolicy policy, Clock clock, Sleeper sleeper,
                        Consumer<PowerState> progress) {
        this(target, session, policy, clock, sleeper, progress, callExecutor(target));
    }

    private MachinePower(PowerTarget target, PowerSession session, PowerPolicy policy, Clock clock, Sleeper sleeper,
                         Consumer<PowerState> progress, ExecutorService calls) {
        this.target = Objects.requireNonNull(target);
        this.session = Objects.requireNonNull(session);
        this.policy = Objects.requireNonNull(policy);
        this.clock = Objects.requireNonNull(clock);
        this.sleeper = Objects.requireNonNull(sleeper);
        this.progress = Objects.requireNonNull(progress);
        this.calls = calls;
    }

    /** Opens a session through {@code driver} (bounded like every call) and drives it in real time. */
    public static MachinePower open(PowerDriver driver, PowerTarget target, PowerPolicy policy,
                                    Consumer<PowerState> progress) {
        ExecutorService calls = callExecutor(target);
        try {
            PowerSession session = bounded(calls, target, policy.call(), "opening a session",
                    () -> driver.open(target, policy.call()));
            return new MachinePower(target, session, policy, Clock.systemUTC(), Sleeper.REAL, progress, calls);
        } catch (RuntimeException e) {
            calls.shutdownNow();
            throw e;
        }
    }

    public PowerTarget target() {
        return target;
    }

    /** One reading now; {@link PowerState#UNKNOWN} from a driver that cannot read the state. */
    public PowerState state() {
        return session.capabilities().contains(Capability.READ_STATE) ? read() : PowerState.UNKNOWN;
    }

    /**
     * Powers the machine on and returns once it reads on. A driver that cannot read the state
     * (Wake-on-LAN) sends its request and returns {@link PowerState#UNKNOWN}: nothing confirms it.
     */
    public PowerState on() {
        require(Capability.POWER_ON, "power on");
        if (!can(Capability.READ_STATE)) {
            call("power on", () -> {
                session.powerOn();
                return null;
            });
            return report(PowerState.UNKNOWN);
        }
        PowerState now = read();
        if (now == PowerState.ON) {
            return report(PowerState.ON);
        }
        if (now == PowerState.POWERING_OFF) {
            report(now);
            await(PowerState.OFF, policy.hardOff(), "finish powering off before powering on");
        }
        if (now != PowerState.POWERING_ON) {
            call("power on", () -> {
                session.powerOn();
                return null;
            });
        }
        report(PowerState.POWERING_ON);
        return report(await(PowerState.ON, policy.on(), "come on"));
    }

    /** Shuts the machine down: the operating system first, power cut after the soft timeout. */
    public PowerState off() {
        return off(true);
    }

    /** Cuts power at once, without asking the operating system. */
    public PowerState forceOff() {
        return off(false);
    }

    private PowerState off(boolean soft) {
        if (!can(Capability.SOFT_OFF) && !can(Capability.HARD_OFF)) {
            throw new PowerException(Reason.UNSUPPORTED, target.describe() + ": the " + target.address().driver()
                    + " driver cannot power a machine off; " + (target.address().driver().equals("wol")
                    ? "Wake-on-LAN only wakes machines; shut it down from its operating system"
                    : "use its BMC"));
        }
        require(Capability.READ_STATE, "power off (confirming off needs the power state)");
        PowerState now = read();
        if (now == PowerState.OFF) {
            return report(PowerState.OFF);
        }
        report(PowerState.POWERING_OFF);
        if (soft && can(Capability.SOFT_OFF) && !policy.softOff().isZero()) {
            if (now != PowerState.POWERING_OFF) {
                call("soft power off", () -> {
                    session.softOff();
                    return null;
                });
            }
            PowerState after = awaitOrLast(PowerState.OFF, policy.softOff());
            if (after == PowerState.OFF) {
                return report(PowerState.OFF);
            }
        }
        require(Capability.HARD_OFF, "cut power");
        call("power off", () -> {
            session.hardOff();
            return null;
        });
        return report(await(PowerState.OFF, policy.hardOff(), "go off"));
    }

    /**
     * Cuts power and powers on again; a machine that reads off is only powered on (as IPMI
     * recommends for a cycle of a machine that is off).
     */
    public PowerState cycle() {
        if (!can(Capability.READ_STATE) || read() != PowerState.OFF) {
            forceOff();
        }
        return on();
    }

    /** Boots from {@code device} on the next boot only. */
    public void bootOnce(BootDevice device) {
        require(Capability.BOOT_ONCE, "set a one-time boot device");
        call("set next boot to " + device.name().toLowerCase(java.util.Locale.ROOT), () -> {
            session.bootOnce(device);
            return null;
        });
    }

    /** The serial console (bounded to open; streams until the handle is closed). */
    public AutoCloseable console(Consumer<String> output) {
        require(Capability.CONSOLE, "open a serial console");
        return call("open the serial console", () -> session.console(output));
    }

    /** Ends the BMC session (bounded) and the call threads. */
    @Override
    public void close() {
        try {
            call("closing the session", () -> {
                session.close();
                return null;
            });
        } catch (RuntimeException e) {
            // Closing is best effort: the BMC expires an abandoned session by itself.
        } finally {
            calls.shutdownNow();
        }
    }

    private PowerState await(PowerState wanted, Duration within, String doing) {
        PowerState last = awaitOrLast(wanted, within);
        if (last != wanted) {
            throw new PowerException(Reason.TIMEOUT, target.describe() + " did not " + doing + " within "
                    + within.toSeconds() + " s; the last reading was " + last.text());
        }
        return last;
    }

    /** Polls until {@code wanted} reads or {@code within} has passed; returns the last reading. */
    private PowerState awaitOrLast(PowerState wanted, Duration within) {
        Instant deadline = clock.instant().plus(within);
        PowerState last = PowerState.UNKNOWN;
        while (true) {
            try {
                last = read();
            } catch (PowerException e) {
                if (e.reason() == Reason.AUTHENTICATION || e.reason() == Reason.UNSUPPORTED) {
                    throw e;
                }
                // A BMC busy with the transition may miss a reading; the deadline still bounds the wait.
                last = PowerState.UNKNOWN;
            }
            if (last == wanted || !clock.instant().isBefore(deadline)) {
                return last;
            }
            if (!last.settled() && last != PowerState.UNKNOWN) {
                report(last);
            }
            try {
                sleeper.sleep(policy.poll());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PowerException(Reason.TIMEOUT, target.describe() + ": interrupted while waiting", e);
            }
        }
    }

    private PowerState read() {
        PowerState s = call("reading the power state", session::read);
        return s == null ? PowerState.UNKNOWN : s;
    }

    private PowerState report(PowerState s) {
        progress.accept(s);
        return s;
    }

    private boolean can(Capability c) {
        return session.capabilities().contains(c);
    }

    private void require(Capability c, String what) {
        Set<Capability> caps = session.capabilities();
        if (!caps.contains(c)) {
            throw new PowerException(Reason.UNSUPPORTED, target.describe() + ": the " + target.address().driver()
                    + " driver cannot " + what);
        }
    }

    private <T> T call(String what, Callable<T> call) {
        return bounded(calls, target, policy.call(), what, call);
    }

    private static <T> T bounded(ExecutorService calls, PowerTarget target, Duration bound, String what, Callable<T> call) {
        Future<T> f = calls.submit(call);
        try {
            // The driver bounds its own exchanges by the same time; the grace lets its more precise error win.
            return f.get(bound.toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new PowerException(Reason.TIMEOUT, target.describe() + ": " + what + " got no answer within "
                    + bound.toMillis() + " ms");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new PowerException(Reason.TIMEOUT, target.describe() + ": interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new PowerException(Reason.PROTOCOL, target.describe() + ": " + what + " failed: " + cause, cause);
        }
    }

    private static ExecutorService callExecutor(PowerTarget target) {
        return Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kubermesh-power-" + target.machine());
            t.setDaemon(true);
            return t;
        });
    }
}
