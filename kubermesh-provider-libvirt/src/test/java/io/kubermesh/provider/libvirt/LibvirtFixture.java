package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.spi.SubstrateConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the libvirt ITs share: the environment check that fails with the install line, the daemons
 * (started once if they are not running, stopped again by whoever started them), lab directories
 * qemu can reach, and the leak check. Everything the ITs create is named kmlv*.
 */
final class LibvirtFixture {
    static final String PREFIX = "kmlv-";
    /** Small VMs: firmware with no OS needs little, and the ITs run under TCG on two cores. */
    static final Map<String, String> SMALL = Map.of("libvirt.prefix", PREFIX, "libvirt.memory", "256",
            "libvirt.diskSize", "1");

    private final List<Path> dirs = new ArrayList<>();

    private LibvirtFixture() {
    }

    /** Fails the IT with the command that fixes the host, rather than skipping it. */
    static void requireEnvironment() {
        try {
            new LibvirtSubstrateProvider().checkEnvironment();
        } catch (RuntimeException e) {
            fail("this IT needs root, libvirt, qemu and OVMF: " + e.getMessage());
        }
    }

    static LibvirtFixture create() {
        return new LibvirtFixture();
    }

    /** A fresh state directory under /tmp that libvirt-qemu can traverse. */
    Path directory() {
        try {
            Path dir = Files.createTempDirectory("kmlv-it");
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            dirs.add(dir);
            return dir;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    SubstrateConfig config(Map<String, String> extra) {
        Map<String, String> options = new HashMap<>(SMALL);
        options.putAll(extra);
        return new SubstrateConfig(ClusterConfig.seed(), directory(), options);
    }

    Path lastDirectory() {
        return dirs.get(dirs.size() - 1);
    }

    /** Every kmlv* domain, network, link and file left behind, empty when the tests cleaned up. */
    List<String> leftovers() {
        List<String> out = new ArrayList<>();
        if (LibvirtDaemons.running("libvirtd", LibvirtDaemons.LIBVIRTD_PID).isPresent()) {
            try (Hypervisor hv = Hypervisor.open("qemu:///system")) {
                hv.domains().stream().filter(d -> d.startsWith("kmlv")).map(d -> "domain " + d).forEach(out::add);
                hv.networks().stream().filter(n -> n.startsWith("kmlv")).map(n -> "network " + n).forEach(out::add);
            }
        }
        // what libvirtd keeps on disk, whether or not it runs
        for (Path defs : List.of(Path.of("/etc/libvirt/qemu"), Path.of("/etc/libvirt/qemu/networks"),
                Path.of("/run/libvirt/qemu"), Path.of("/run/libvirt/network"), LabFiles.QEMU_LOGS)) {
            try (var list = Files.list(defs)) {
                list.filter(f -> f.getFileName().toString().startsWith("kmlv")).map(f -> "file " + f).forEach(out::add);
            } catch (IOException e) {
                // no such directory: nothing defined there
            }
        }
        for (String line : run(10, "ip", "-o", "link", "show").lines().toList()) {
            String name = line.split(":\\s+")[1].split("@")[0];
            if (name.startsWith("kmlv")) {
                out.add("link " + name);
            }
        }
        for (Path d : dirs) {
            if (Files.exists(d.resolve(LabState.FILE)) || Files.exists(d.resolve("libvirt"))) {
                out.add("files in " + d);
            }
        }
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("guest=kmlv"))
                .forEach(p -> out.add("qemu pid " + p.pid()));
        return out;
    }

    /** Removes the directories made by {@link #directory()}. */
    void removeDirectories() {
        for (Path d : dirs) {
            try (var walk = Files.walk(d)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /** Runs a command, returns its output; fails the test if it fails or outlives {@code seconds}. */
    static String run(int seconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in " + seconds + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(String.join(" ", command) + " exited " + p.exitValue() + ": " + out);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
