package io.kubermesh.controlplane.etcd;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the etcd server binary is: Debian's {@code etcd-server} installs {@code /usr/bin/etcd}
 * ({@link HostRequirements#ETCD}); its override variable ({@code KUBERMESH_PROGRAM_ETCD}) names
 * another, or none when it names a path that does not exist.
 */
public final class EtcdBinary {
    /** What etcd needs on the host. */
    public static final Requirement.Program REQUIREMENT = HostRequirements.ETCD;
    /** The command that installs etcd on Debian. */
    public static final String INSTALL = REQUIREMENT.remedy();

    private EtcdBinary() {
    }

    /**
     * The override when it is set, else {@code /usr/bin/etcd}, else the first {@code etcd} on {@code PATH}.
     *
     * @throws EnvironmentException naming the package to install when there is none
     */
    public static Path locate() {
        String override = System.getenv(REQUIREMENT.overrideVariable());
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override);
            if (Files.isExecutable(p)) {
                return p;
            }
            throw new EnvironmentException("the etcd server binary is not installed (" + REQUIREMENT.overrideVariable()
                    + "=" + override + " is no executable file)", INSTALL);
        }
        Path debian = Path.of(REQUIREMENT.command());
        if (Files.isExecutable(debian)) {
            return debian;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(File.pathSeparator)) {
                if (!dir.isEmpty()) {
                    Path candidate = Path.of(dir, "etcd");
                    if (Files.isExecutable(candidate)) {
                        return candidate;
                    }
                }
            }
        }
        throw new EnvironmentException("the etcd server binary is not installed (no /usr/bin/etcd, none on PATH)", INSTALL);
    }
}
