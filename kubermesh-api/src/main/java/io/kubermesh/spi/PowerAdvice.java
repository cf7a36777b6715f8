package io.kubermesh.spi;

import io.kubermesh.api.PowerException;

/**
 * What an operator can do about a failed power operation. A driver's {@link PowerException} says
 * what went wrong at the BMC; this adds, by its {@link PowerException.Reason}, which part of the
 * site inventory or the network to check, so {@code kubermesh power} and the substrates say both.
 */
public final class PowerAdvice {
    private PowerAdvice() {
    }

    /** The exception's message followed by what to do, or the message alone when there is nothing to add. */
    public static String explain(PowerTarget target, PowerException e) {
        String advice = advice(target, e.reason());
        return advice.isEmpty() ? e.getMessage() : e.getMessage() + "; to fix: " + advice;
    }

    /** What to check for a failure of this kind; empty when the message already says it all. */
    public static String advice(PowerTarget target, PowerException.Reason reason) {
        String bmc = "site.machines." + target.machine() + ".bmc";
        String host = host(target.address());
        return switch (reason) {
            case AUTHENTICATION -> target.credentials()
                    .map(c -> "check that user " + c.username() + " exists on the BMC with administrator privilege and that "
                            + c.password().reference() + " holds its password (" + bmc + ")")
                    .orElse("give " + bmc + " a username and a passwordFile or passwordEnv");
            case UNREACHABLE -> host == null
                    ? "check that " + bmc + ".port names this host's interface on the machine's cable and that it is up"
                    : "check " + bmc + ".address (" + target.address() + ") and that this host has a route to " + host
                            + (target.address() instanceof BmcAddress.Ipmi ? "; the BMC must have IPMI over LAN enabled" : "");
            case TIMEOUT -> "check that the BMC at " + target.address() + " is up and answers from this host, then try again";
            case PROTOCOL -> target.address() instanceof BmcAddress.Redfish
                    ? "check that " + bmc + ".address names a Redfish BMC; if its certificate changed, verify the new one"
                            + " on the BMC and put its fingerprint in " + bmc + ".tls.fingerprint"
                    : "check that " + bmc + ".address names the right kind of BMC (ipmi:// for IPMI 2.0, redfish:// for Redfish)";
            case REFUSED -> "see the BMC's event log; the user in " + bmc + " may need administrator privilege";
            case UNSUPPORTED -> "";
        };
    }

    private static String host(BmcAddress address) {
        if (address instanceof BmcAddress.Ipmi i) {
            return i.host();
        }
        if (address instanceof BmcAddress.Redfish r) {
            return r.host();
        }
        return null;
    }
}
