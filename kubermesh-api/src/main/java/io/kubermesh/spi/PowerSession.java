package io.kubermesh.spi;

import java.util.Set;
import java.util.function.Consumer;

/**
 * A driver's connection to one machine's power: single requests, each sent once, no waiting for
 * their effect. {@link MachinePower} makes operations out of them (idempotent, polled until the
 * state holds, every call bounded in time); drivers implement only this. Every method either does
 * what it says or throws {@link io.kubermesh.api.PowerException}; none may block longer than the
 * call timeout the session was opened with.
 */
public interface PowerSession extends AutoCloseable {
    /** What a session can do; operations outside its capabilities fail with {@code UNSUPPORTED}. */
    enum Capability {
        READ_STATE, POWER_ON, SOFT_OFF, HARD_OFF, BOOT_ONCE, CONSOLE
    }

    Set<Capability> capabilities();

    /** One reading of the power state as the BMC reports it now. */
    PowerState read();

    /** Asks the BMC to power on. Sent only when the machine is not known to be on. */
    void powerOn();

    /** Asks the operating system to shut down (ACPI power button, Redfish GracefulShutdown). */
    void softOff();

    /** Cuts power at once (IPMI chassis power down, Redfish ForceOff). */
    void hardOff();

    /** Boots from {@code device} on the next boot only. */
    void bootOnce(BootDevice device);

    /**
     * Streams the machine's serial console (IPMI Serial-over-LAN) to {@code output} until the
     * returned handle is closed.
     */
    default AutoCloseable console(Consumer<String> output) {
        throw new io.kubermesh.api.PowerException(io.kubermesh.api.PowerException.Reason.UNSUPPORTED,
                "this BMC offers no serial console");
    }

    /** Ends the session with the BMC; never throws. */
    @Override
    void close();
}
