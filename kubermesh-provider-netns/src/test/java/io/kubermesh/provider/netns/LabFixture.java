package io.kubermesh.provider.netns;

import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.lab.Lab;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an IT that drives a {@link Lab} in-process needs: root, a lab directory the frr user can
 * traverse, and after each test the lab torn down and a check that no namespace of its cluster
 * ({@code km<cluster>-*}) outlived it (one that did is deleted and fails the test).
 */
abstract class LabFixture {
    @TempDir
    Path tmp;
    /** Where {@code Lab.create} puts the lab. */
    Path dir;
    /** Set by the test; torn down after it. */
    Lab lab;

    /** The lab's cluster name; its namespaces are {@code km<cluster>-*}. */
    abstract String cluster();

    String namespaces() {
        return "km" + cluster() + "-";
    }

    @BeforeEach
    void requireRootAndTraversableLab() throws IOException {
        if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
            fail(getClass().getSimpleName() + " needs root (network namespaces): run it as root");
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        dir = tmp.resolve("lab");
    }

    @AfterEach
    void tearDownLab() {
        if (lab != null && Lab.exists(dir)) {
            lab.down();
        }
        for (String ns : NetworkNamespaces.list()) {
            if (ns.startsWith(namespaces())) {
                NetworkNamespaces.delete(ns);
                fail("namespace " + ns + " outlived the lab");
            }
        }
    }
}
