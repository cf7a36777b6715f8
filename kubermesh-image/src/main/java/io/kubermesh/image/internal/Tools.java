package io.kubermesh.image.internal;

import io.kubermesh.api.EnvironmentException;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host programs the image build runs and the Debian package of each, so a missing one is an
 * environment problem with the exact install command (exit 3), checked before anything is built.
 */
public final class Tools {
    /** Program to Debian package, for every program {@code image build} runs on the host. */
    public static final Map<String, String> BUILD = Map.ofEntries(
            Map.entry("mmdebstrap", "mmdebstrap"),
            Map.entry("zstd", "zstd"),
            Map.entry("mkfs.vfat", "dosfstools"),
            Map.entry("mcopy", "mtools"),
            Map.entry("mmd", "mtools"),
            Map.entry("sfdisk", "fdisk"),
            Map.entry("mkfs.ext4", "e2fsprogs"),
            Map.entry("depmod", "kmod"),
            Map.entry("jlink", "openjdk-17-jdk-headless"));

    private Tools() {
    }

    /** The Debian package holding {@code program}, or the program's own name when unknown. */
    public static String packageOf(String program) {
        String base = program.substring(program.lastIndexOf('/') + 1);
        return BUILD.getOrDefault(base, base);
    }

    /** Fails with the install command for every program of {@code programs} not on PATH. */
    public static void require(Iterable<String> programs) {
        List<String> missing = new ArrayList<>();
        Set<String> packages = new LinkedHashSet<>();
        for (String p : programs) {
            if (!Command.onPath(p)) {
                missing.add(p);
                packages.add(packageOf(p));
            }
        }
        if (!missing.isEmpty()) {
            throw new EnvironmentException("the image build needs " + String.join(", ", missing),
                    "apt-get install -y " + String.join(" ", packages));
        }
    }
}
