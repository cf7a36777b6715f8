package io.kubermesh.spi;

import java.time.Duration;

/**
 * A named factory of {@link PowerSession}s for one way of reaching a machine's power: {@code ipmi}
 * (IPMI 2.0 over LAN), {@code redfish}, {@code wol} (Wake-on-LAN). Found by name through
 * {@link PowerDrivers} (ServiceLoader), chosen by the scheme of the BMC address in the site
 * inventory; a library user may pass an instance instead. Callers drive a session through
 * {@link MachinePower}, which adds the waiting, idempotence and bounded calls every driver shares.
 */
public interface PowerDriver {
    /** The name a BMC address selects it by ({@link BmcAddress#driver()}); unique among drivers. */
    String name();

    /** One line for listings. */
    default String description() {
        return name();
    }

    /**
     * Checks that this host can use the driver (raw sockets for Wake-on-LAN need root).
     *
     * @throws io.kubermesh.api.EnvironmentException naming what is missing and how to get it
     */
    default void checkEnvironment() {
    }

    /**
     * Opens a session to one machine's BMC. Opening may talk to the BMC (IPMI authenticates here)
     * and so may fail with a {@link io.kubermesh.api.PowerException}.
     *
     * @param target the machine and its BMC, as the site inventory describes it
     * @param callTimeout the most any one exchange with the BMC may take, retries included
     * @throws IllegalArgumentException when {@code target} is for another driver
     */
    PowerSession open(PowerTarget target, Duration callTimeout);
}
