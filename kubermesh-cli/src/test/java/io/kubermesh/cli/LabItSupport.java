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

    /**
     * What every machine of the lab holds for {@code destination} (a /128 without its length), for
     * a failure's message: its stub's addresses, its kernel's route, what its OSPF database says
     * of the prefix, and the anycast lines of its console.
     */
    static String meshState(Path lab, JsonNode status, String destination) {
        StringBuilder out = new StringBuilder("\nwhat each machine holds for " + destination + ":");
        for (JsonNode m : status) {
            String name = m.path("name").asText();
            String ns = m.path("netns").asText();
            out.append("\n== ").append(name).append(" (").append(m.path("state").asText()).append(", anycast ")
                    .append(m.path("anycast")).append(")");
            out.append("\n  stub: ").append(run("ip", "-n", ns, "-6", "-o", "addr", "show", "dev", "kmstub0"));
            out.append("\n  route: ").append(run("ip", "-n", ns, "-6", "route", "show", destination));
            Path routing = lab.resolve("machines").resolve(name).resolve("state/routing");
            if (Files.exists(routing.resolve("ospf6d.vty"))) {
                String db = run("ip", "netns", "exec", ns, "vtysh", "--vty_socket", routing.toString(), "-c",
                        "show ipv6 ospf6 database intra-prefix detail");
                out.append("\n  ospf6 intra-prefix LSAs naming it:");
                String lsa = "";
                for (String line : db.split("\n")) {
                    if (line.contains("Advertising Router")) {
                        lsa = line.trim();
                    }
                    if (line.contains(destination)) {
                        out.append("\n    ").append(lsa).append(": ").append(line.trim());
                    }
                }
                out.append("\n  ospf6d's route:\n    ").append(run("ip", "netns", "exec", ns, "vtysh", "--vty_socket",
                        routing.toString(), "-c", "show ipv6 ospf6 route " + destination + "/128 match detail").replace("\n", "\n    "));
                out.append("\n  zebra's route:\n    ").append(run("ip", "netns", "exec", ns, "vtysh", "--vty_socket",
                        routing.toString(), "-c", "show ipv6 route " + destination + "/128").replace("\n", "\n    "));
            }
            try {
                Files.readString(lab.resolve("machines").resolve(name).resolve("console.log")).lines()
                        .filter(l -> l.contains("anycast") || l.contains("etcd") || l.contains("machine directory"))
                        .forEach(l -> out.append("\n  | ").append(l));
            } catch (IOException e) {
                out.append("\n  (no console: ").append(e.getMessage()).append(")");
            }
        }
        return out.toString();
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            p.waitFor();
            return text;
        } catch (IOException e) {
            return "(" + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "(interrupted)";
        }
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
