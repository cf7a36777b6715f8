package io.kubermesh.controlplane.etcd;

import io.kubermesh.api.EnvironmentException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the etcd server binary is: Debian's {@code etcd-server} installs {@code /usr/bin/etcd}. */
public final class EtcdBinary {
    /** The command that installs etcd on Debian. */
    public static final String INSTALL = "apt-get install etcd-server";

    private EtcdBinary() {
    }

    /**
     * {@code /usr/bin/etcd}, else the first {@code etcd} on {@code PATH}.
     *
     * @throws EnvironmentException naming the package to install when there is none
     */
    public static Path locate() {
        Path debian = Path.of("/usr/bin/etcd");
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
