package io.kubermesh.boot.machine;

import java.util.List;
import java.util.Objects;

/**
 * What a machine installs (matchbox's profile): kernel and initrd paths under the assets
 * directory, kernel arguments, and the Ignition config it gets.
 *
 * @param id unique name, referenced by {@link Group#profile()}
 * @param kernel asset path of the kernel
 * @param initrd asset paths of the initrds, in order
 * @param args kernel command line arguments; {@code {mac}}, {@code {ignition}}, {@code {server}} are replaced
 * @param ignition the profile's Ignition parts
 */
public record Profile(String id, String kernel, List<String> initrd, List<String> args, Ignition ignition) {
    public Profile {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kernel, "kernel");
        initrd = initrd == null ? List.of() : List.copyOf(initrd);
        args = args == null ? List.of() : List.copyOf(args);
        ignition = ignition == null ? Ignition.EMPTY : ignition;
    }
}
