package io.kubermesh.routing.testing;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Test-only helper for ITs: root check, {@code ip} to create, inspect and delete this helper's
 * namespaces (prefix {@code kmrn-}). Namespaces it created are deleted by {@link #close()}, which
 * takes every link inside them along.
 */
public final class Namespaces implements AutoCloseable {
    private final List<String> created = new ArrayList<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Fails (does not skip) when the IT cannot run here, naming what to install. */
    public static void requireRootAndIp() {
        String uid = run(false, "id", "-u").trim();
        if (!uid.equals("0")) {
            fail("this IT needs root (network namespaces, netlink); run the build as root");
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))) {
            fail("this IT needs the ip command: apt-get install -y iproute2");
        }
    }

    public String add(String name) {
        if (!name.startsWith("kmrn-")) {
            throw new IllegalArgumentException("this helper's namespaces start with kmrn-: " + name);
        }
        if (Files.exists(Path.of("/run/netns", name))) {
            run(false, "ip", "netns", "del", name);
        }
        run(true, "ip", "netns", "add", name);
        created.add(name);
        run(true, "ip", "-n", name, "link", "set", "lo", "up");
        return name;
    }

    public static String ip(String netns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("ip", "-n", netns));
        cmd.addAll(List.of(args));
        return run(true, cmd.toArray(new String[0]));
    }

    public static JsonNode ipJson(String netns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("-j"));
        cmd.addAll(List.of(args));
        try {
            return JSON.readTree(ip(netns, cmd.toArray(new String[0])));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String run(boolean check, String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " hung");
            }
            if (check && p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (" + p.exitValue() + "): " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + cmd[0] + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (String n : created) {
            run(false, "ip", "netns", "del", n);
        }
        created.clear();
    }
}
