package io.kubermesh.lab;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;

/**
 * The lab's directory: its cluster file, its record, and whatever its substrate keeps there
 * (netns: one directory per machine, state and console). Machine state under it must be reachable
 * by the routing daemons, which drop root for their own user (frr): every existing ancestor needs
 * o+x.
 */
final class LabDirectory {
    static final String CLUSTER_FILE = "cluster.yaml";

    private LabDirectory() {
    }

    /** Creates {@code dir} with the cluster file, after checking the daemons can reach it. */
    static void create(Path dir, String clusterYaml) {
        requireTraversable(dir.toAbsolutePath());
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(CLUSTER_FILE), clusterYaml);
        } catch (IOException e) {
            throw new SubstrateException("cannot create the lab directory " + dir + ": " + e.getMessage(), e);
        }
    }

    /** The cluster file's text. */
    static String clusterYaml(Path dir) {
        try {
            return Files.readString(dir.resolve(CLUSTER_FILE));
        } catch (IOException e) {
            throw new SubstrateException("the lab in " + dir + " has no readable cluster file: " + e.getMessage(), e);
        }
    }

    /** Removes the directory and everything in it. */
    static void remove(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new SubstrateException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void requireTraversable(Path dir) {
        for (Path p = dir; p != null; p = p.getParent()) {
            if (!Files.exists(p)) {
                continue;
            }
            try {
                var perms = Files.getPosixFilePermissions(p);
                if (!perms.contains(PosixFilePermission.OTHERS_EXECUTE)) {
                    throw new ConfigurationException("--lab", dir.toString(),
                            "a directory the routing daemons' user can reach; " + p + " is not searchable by others ("
                                    + PosixFilePermissions.toString(perms) + "): chmod o+x " + p + " or choose another --lab");
                }
            } catch (IOException e) {
                throw new SubstrateException("cannot check " + p + ": " + e.getMessage(), e);
            }
        }
    }
}
