package io.kubermesh.boot.lab;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Debian kernel for VM tests: the package {@code linux-image-amd64} depends on
 * ({@code linux-image-6.1.*-amd64}) is fetched with {@code apt-get download} and unpacked with
 * {@code dpkg-deb -x} into a cache directory (never installed). Default cache
 * {@code /var/cache/kubermesh-test}, or the system property {@code kubermesh.test.cache}.
 *
 * @param vmlinuz the kernel image
 * @param modules the kernel's module tree ({@code lib/modules/VERSION})
 */
public record DebianKernel(Path vmlinuz, Path modules) {
    private static final Pattern PACKAGE = Pattern.compile("Depends: (linux-image-6\\.1\\.[0-9]+-[0-9]+-amd64|linux-image-6\\.1\\.0-[0-9]+-amd64)");

    public static Path cacheDir() {
        return Path.of(System.getProperty("kubermesh.test.cache", "/var/cache/kubermesh-test"));
    }

    /** Downloads and unpacks the kernel once; later calls reuse the cache. */
    public static synchronized DebianKernel ensure() {
        Exec.require("apt-get", "apt");
        Exec.require("dpkg-deb", "dpkg");
        Path cache = cacheDir();
        try {
            Files.createDirectories(cache.resolve("deb"));
            Exec.Result deps = Exec.run(60, "apt-cache", "depends", "linux-image-amd64").orThrow();
            Matcher m = PACKAGE.matcher(deps.output());
            if (!m.find()) {
                throw new AssertionError("linux-image-amd64 does not depend on a linux-image-6.1.*-amd64 here: " + deps.output()
                        + " (run apt-get update)");
            }
            String pkg = m.group(1);
            Path root = cache.resolve(pkg);
            Path done = root.resolve(".unpacked");
            if (!Files.exists(done)) {
                Path debDir = cache.resolve("deb");
                if (!hasDeb(debDir, pkg)) {
                    Exec.Result dl = Exec.run(600, "sh", "-c", "cd '" + debDir + "' && apt-get download " + pkg);
                    if (!hasDeb(debDir, pkg)) {
                        throw new AssertionError("apt-get download " + pkg + " failed: " + dl.output());
                    }
                }
                Path deb;
                try (Stream<Path> s = Files.list(debDir)) {
                    deb = s.filter(p -> p.getFileName().toString().startsWith(pkg + "_")).findFirst().orElseThrow();
                }
                Files.createDirectories(root);
                Exec.run(600, "dpkg-deb", "-x", deb.toString(), root.toString()).orThrow();
                Files.writeString(done, pkg + "\n");
            }
            String version = pkg.substring("linux-image-".length());
            return new DebianKernel(root.resolve("boot/vmlinuz-" + version), root.resolve("lib/modules/" + version));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean hasDeb(Path dir, String pkg) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith(pkg + "_") && p.toString().endsWith(".deb"));
        }
    }

    /**
     * The module files needed for {@code names} with their dependencies, dependencies first. The
     * {@code depends=} entry of each module's {@code .modinfo} section is read straight from the
     * file (no kmod needed).
     */
    public List<Path> moduleClosure(String... names) {
        Map<String, Path> index = new HashMap<>();
        try (Stream<Path> s = Files.walk(modules.resolve("kernel"))) {
            s.filter(p -> p.toString().endsWith(".ko")).forEach(p -> {
                String n = p.getFileName().toString();
                index.put(n.substring(0, n.length() - 3).replace('-', '_'), p);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Set<String> ordered = new LinkedHashSet<>();
        for (String n : names) {
            visit(n.replace('-', '_'), index, ordered, new ArrayDeque<>());
        }
        List<Path> out = new ArrayList<>();
        ordered.forEach(n -> out.add(index.get(n)));
        return out;
    }

    private static void visit(String name, Map<String, Path> index, Set<String> done, Deque<String> path) {
        if (done.contains(name) || path.contains(name)) {
            return;
        }
        Path ko = index.get(name);
        if (ko == null) {
            return; // built into the kernel
        }
        path.push(name);
        for (String dep : depends(ko)) {
            visit(dep, index, done, path);
        }
        path.pop();
        done.add(name);
    }

    static List<String> depends(Path ko) {
        try {
            String text = new String(Files.readAllBytes(ko), StandardCharsets.ISO_8859_1);
            int at = text.indexOf("\0depends=");
            if (at < 0) {
                return List.of();
            }
            int start = at + "\0depends=".length();
            String value = text.substring(start, text.indexOf('\0', start));
            return value.isEmpty() ? List.of() : List.of(value.replace('-', '_').split(","));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Optional<Path> module(String name) {
        List<Path> c = moduleClosure(name);
        return c.isEmpty() ? Optional.empty() : Optional.of(c.get(c.size() - 1));
    }
}
