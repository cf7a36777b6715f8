package io.kubermesh.provider.libvirt;

import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;

/**
 * The lab's files under {@code STATE/libvirt/}: per machine a directory with its disk, its NVRAM,
 * its console log, the agent channel's socket and its copy of the deployment image; and the retry
 * drive. qemu runs as libvirt-qemu, so every directory on the way must be searchable by others;
 * the machine directories are {@code 0711} (searchable, not listable).
 */
final class LabFiles {
    /** sun_path of a unix socket holds 108 bytes with the terminating NUL. */
    static final int MAX_SOCKET_PATH = 107;
    static final String RETRY_SCRIPT = "echo -off\r\n"
            + "echo kubermesh: the firmware found nothing to boot; resetting to try again\r\n"
            + "reset\r\n";

    static final Path QEMU_LOGS = Path.of("/var/log/libvirt/qemu");
    private final Path root;

    LabFiles(Path stateDirectory) {
        this.root = stateDirectory.toAbsolutePath().resolve("libvirt");
    }

    Path root() {
        return root;
    }

    Path machineDirectory(String machine) {
        return root.resolve(machine);
    }

    Path disk(String machine) {
        return machineDirectory(machine).resolve("disk.raw");
    }

    Path nvram(String machine) {
        return machineDirectory(machine).resolve("nvram.fd");
    }

    Path consoleLog(String machine) {
        return machineDirectory(machine).resolve("console.log");
    }

    Path agentSocket(String machine) {
        return machineDirectory(machine).resolve("agent.sock");
    }

    Path deployImage(String machine) {
        return machineDirectory(machine).resolve("deploy.img");
    }

    Path retryDrive() {
        return root.resolve("retry");
    }

    /** Creates the lab directory and the retry drive, after checking qemu will be able to reach them. */
    void create() {
        requireSearchable(root);
        try {
            Files.createDirectories(root);
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
            Path retry = retryDrive();
            Files.createDirectories(retry);
            Files.setPosixFilePermissions(retry, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path script = retry.resolve("startup.nsh");
            Files.writeString(script, RETRY_SCRIPT, StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new SubstrateException("cannot create the lab directory " + root + ": " + e.getMessage(), e);
        }
    }

    /** Creates a machine's directory and its blank, sparse disk of {@code gib} GiB. */
    void createMachine(String machine, int gib) {
        Path socket = agentSocket(machine);
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
            throw new SubstrateException("the agent socket of " + machine + " would be " + socket + ", longer than the "
                    + MAX_SOCKET_PATH + " bytes a unix socket path may have; use a shorter state directory");
        }
        Path dir = machineDirectory(machine);
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
            try (RandomAccessFile f = new RandomAccessFile(disk(machine).toFile(), "rw")) {
                f.setLength((long) gib << 30);
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot create the files of machine " + machine + " in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    /** Gives a deployed machine its own copy of the deployment image. */
    void copyDeployImage(String machine, Path image) {
        if (!Files.isRegularFile(image) || !Files.isReadable(image)) {
            throw new SubstrateException("the deployment image " + image + " (libvirt.deployImage) is not a readable file");
        }
        try {
            SparseCopy.copy(image, deployImage(machine));
        } catch (IOException e) {
            throw new SubstrateException("cannot copy the deployment image " + image + " for " + machine + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * Removes the log the local libvirtd keeps of a domain's qemu ({@code /var/log/libvirt/qemu/
     * DOMAIN.log} and virtlogd's rotations of it), which outlives the domain.
     */
    void removeQemuLog(String domain) {
        try (var list = Files.list(QEMU_LOGS)) {
            for (Path p : list.filter(f -> f.getFileName().toString().startsWith(domain + ".log")).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // no log directory: libvirt is remote or never ran a domain here
        }
    }

    void removeMachine(String machine) {
        removeTree(machineDirectory(machine));
    }

    void removeAll() {
        removeTree(root);
    }

    private static void removeTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new SubstrateException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
        if (Files.exists(dir)) {
            throw new SubstrateException("cannot remove " + dir + " completely");
        }
    }

    private static void requireSearchable(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                var perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new SubstrateException("qemu runs as libvirt-qemu and must reach the lab's disks under " + dir
                            + ", but " + p + " is not searchable by others (" + PosixFilePermissions.toString(perms)
                            + "): chmod o+x " + p + " or choose another state directory");
                }
            } catch (IOException e) {
                throw new SubstrateException("cannot check " + p + ": " + e.getMessage(), e);
            }
        }
    }
}
