package io.kubermesh.spi;

import java.util.Locale;

/**
 * A machine's power state as its BMC reports it. {@link MachinePower} reports {@link #ON} or
 * {@link #OFF} only once a reading shows it; {@link #POWERING_ON} and {@link #POWERING_OFF} are
 * what it reports in between, and what a BMC that says so itself (Redfish {@code PoweringOn})
 * reads as. {@link #UNKNOWN} is a BMC that cannot tell, or a driver that cannot ask (Wake-on-LAN).
 */
public enum PowerState {
    ON, OFF, POWERING_ON, POWERING_OFF, UNKNOWN;

    /** The word operators see: {@code on}, {@code off}, {@code powering-on}, … */
    public String text() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** True for {@link #ON} and {@link #OFF}, the states an operation waits for. */
    public boolean settled() {
        return this == ON || this == OFF;
    }
}
