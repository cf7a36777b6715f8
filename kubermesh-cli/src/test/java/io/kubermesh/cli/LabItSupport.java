package io.kubermesh.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** What the CLI's lab ITs share: root, the seed under another name, the status as JSON, a down that leaves nothing. */
final class LabItSupport {
    private LabItSupport() {
    }

    /** Fails (never skips) without root; makes {@code tmp} readable by the routing daemons' users. */
    static void requireRoot(String test, Path tmp) throws IOException {
        if (!Files.readString(Path.of("/proc/self/status")).lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"))) {
            fail(test + " needs root (network namespaces)");
        }
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** The seed cluster file, its cluster named {@code name} (the lab's namespaces are {@code km<name>-*}). */
    static String seed(String name) throws IOException {
        try (InputStream in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).replace("name: lab", "name: " + name);
        }
    }

    /** {@code down}, then no namespace of the cluster may be left (one left is removed and fails the test). */
    static void downLeavingNothing(Path lab, String cluster) {
        PlanCommandTest.run("down", "--lab", lab.toString());
        for (String ns : NetworkNamespaces.list()) {
            if (ns.startsWith("km" + cluster + "-")) {
                NetworkNamespaces.delete(ns);
                fail("namespace " + ns + " outlived the lab");
            }
        }
    }

    static JsonNode status(Path lab) throws IOException {
        PlanCommandTest.Result r = PlanCommandTest.run("status", "--lab", lab.toString(), "-o", "json");
        assertThat(r.code()).as(r.err()).isZero();
        return new ObjectMapper().readTree(r.out());
    }

    static JsonNode machine(JsonNode status, String name) {
        for (JsonNode m : status) {
            if (m.get("name").asText().equals(name)) {
                return m;
            }
        }
        throw new AssertionError("no machine " + name + " in " + status);
    }

    static JsonNode component(JsonNode machine, String name) {
        for (JsonNode c : machine.path("components")) {
            if (c.path("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no component " + name + " in " + machine);
    }
}
