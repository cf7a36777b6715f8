package io.kubermesh.boot.machine;

import java.util.Objects;

/**
 * What only the machine itself may read: its join token. Rendered into its Ignition config,
 * which is served to no other MAC and to its MAC on no other port.
 *
 * @param joinToken a random token the machine presents when it joins
 */
public record MachineSecrets(String joinToken) {
    public MachineSecrets {
        Objects.requireNonNull(joinToken, "joinToken");
    }

    @Override
    public String toString() {
        return "MachineSecrets[joinToken=<redacted>]";
    }
}
