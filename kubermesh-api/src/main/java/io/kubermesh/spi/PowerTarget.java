package io.kubermesh.spi;

import java.util.Optional;

/**
 * One machine's power, as the site inventory describes it: the machine, how its BMC is reached,
 * the credentials by reference, and for Redfish what its TLS identity must be.
 */
public record PowerTarget(String machine, BmcAddress address, Optional<BmcCredentials> credentials,
                          Optional<TlsTrust> tls) {
    public PowerTarget {
        if (machine == null || machine.isEmpty() || address == null) {
            throw new IllegalArgumentException("a power target needs a machine and a BMC address");
        }
        credentials = credentials == null ? Optional.empty() : credentials;
        tls = tls == null ? Optional.empty() : tls;
    }

    /** A short description for messages: {@code node1 (ipmi://10.0.0.11:623)}. */
    public String describe() {
        return machine + " (" + address + ")";
    }
}
