package io.kubermesh.image.internal;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks that the registered programs a step runs ({@link HostRequirements#IMAGE_BUILD_PROGRAMS},
 * {@link HostRequirements#NODE_SETUP_PROGRAMS}) are present, so a missing one is an environment
 * problem with the exact install command (exit 3), found before anything is built.
 */
public final class Tools {
    private Tools() {
    }

    /** {@code apt-get install -y} with the packages of {@code programs}; "" for none. */
    public static String remedy(List<Requirement.Program> programs) {
        Set<String> packages = new LinkedHashSet<>();
        programs.forEach(p -> packages.add(p.debianPackage()));
        return packages.isEmpty() ? "" : "apt-get install -y " + String.join(" ", packages);
    }

    /** Fails with the install command for every program of {@code programs} not on PATH. */
    public static void require(List<Requirement.Program> programs) {
        List<Requirement.Program> missing = new ArrayList<>();
        for (Requirement.Program p : programs) {
            if (!Command.onPath(p)) {
                missing.add(p);
            }
        }
        if (!missing.isEmpty()) {
            throw new EnvironmentException("the image build needs " + String.join(", ",
                    missing.stream().map(Requirement.Program::executable).toList()), remedy(missing));
        }
    }
}
