package io.kubermesh.image.build;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.image.internal.Command;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Builds the root layer from a {@link RootRecipe} into a cache directory: mmdebstrap installs the
 * packages (downloaded .debs are kept in {@code CACHE/debs}, so a rebuild does not fetch them
 * again), the kernel and the Debian loaders are taken out, unneeded modules and documentation are
 * removed, and the rest is archived as {@code root.cpio.zst}. Writes: {@code root.cpio.zst},
 * {@code vmlinuz}, {@code kernel-version}, {@code packages.tsv} (package, version, architecture),
 * {@code systemd-bootx64.efi} and {@code ipxe-debian/}.
 */
final class RootLayer {
    static final List<String> DEBIAN_LOADERS = List.of("snponly.efi", "ipxe.efi", "undionly.kpxe", "ipxe.lkrn");

    private RootLayer() {
    }

    static void build(RootRecipe recipe, Path debs, Path out, int zstdLevel, Consumer<String> log) throws IOException {
        Path tree = out.resolve("tree");
        Files.createDirectories(debs);
        List<String> cmd = new ArrayList<>(List.of("--variant=essential", "--mode=root",
                "--include=" + String.join(",", recipe.packages()), "--skip=download/empty", "--skip=essential/unlink",
                "--aptopt=Acquire::Retries \"3\"",
                // Root mode: plain copies keep the downloaded packages between builds.
                "--setup-hook=mkdir -p \"$1\"/var/cache/apt/archives && cp -a " + debs + "/. \"$1\"/var/cache/apt/archives/",
                "--customize-hook=find \"$1\"/var/cache/apt/archives -maxdepth 1 -name '*.deb' -exec cp -an -t " + debs + " {} +"));
        for (String x : recipe.dpkgExcludes()) {
            cmd.add("--dpkgopt=path-exclude=" + x);
        }
        cmd.add(recipe.suite());
        cmd.add(tree.toString());
        cmd.addAll(recipe.sources());
        log.accept("root: mmdebstrap " + recipe.suite() + " with " + recipe.packages().size() + " packages and their dependencies");
        Command.of(HostRequirements.MMDEBSTRAP.args(cmd)).env("SOURCE_DATE_EPOCH", Long.toString(recipe.sourceDateEpoch())).log(l -> log.accept("  " + l))
                .timeout(3600).run();

        String packages = Command.of(HostRequirements.DPKG_QUERY.args("--admindir=" + tree.resolve("var/lib/dpkg"), "-W",
                "-f=${binary:Package}\t${Version}\t${Architecture}\n")).run();
        Files.writeString(out.resolve("packages.tsv"), sortLines(packages));

        String kernel = kernelVersion(tree);
        Files.writeString(out.resolve("kernel-version"), kernel + "\n");
        Files.copy(tree.resolve("boot/vmlinuz-" + kernel), out.resolve("vmlinuz"));
        Files.copy(tree.resolve("usr/lib/systemd/boot/efi/systemd-bootx64.efi"), out.resolve("systemd-bootx64.efi"));
        debianLoaders(tree, out.resolve("ipxe-debian"));
        checkNoPasswords(tree);

        int before = countModules(tree, kernel);
        int kept = pruneModules(tree, kernel, recipe.modules());
        log.accept("root: kernel " + kernel + ", kept " + kept + " of " + before + " modules");
        Command.of(HostRequirements.DEPMOD.args("-b", tree.toString(), kernel)).run();
        prune(tree);

        log.accept("root: archiving (zstd -" + zstdLevel + ")");
        try (Zstd z = Zstd.to(out.resolve("root.cpio.zst"), zstdLevel)) {
            OutputStream s = z.stream();
            TreeArchive.write(tree, "", recipe.sourceDateEpoch(), s);
            s.flush();
        }
        deleteTree(tree);
    }

    private static String sortLines(String text) {
        List<String> lines = new ArrayList<>(text.lines().filter(l -> !l.isBlank()).toList());
        lines.sort(null);
        return String.join("\n", lines) + "\n";
    }

    private static String kernelVersion(Path tree) throws IOException {
        try (Stream<Path> s = Files.list(tree.resolve("usr/lib/modules"))) {
            List<String> v = s.map(p -> p.getFileName().toString()).sorted().toList();
            if (v.size() != 1) {
                throw new KubermeshException("expected one kernel in the root, found " + v);
            }
            return v.get(0);
        }
    }

    /**
     * Debian's iPXE binaries as real files: the package links some of them to {@code /boot}, which
     * a TFTP root refuses (a link out of the root), and the rest of {@code /usr/lib/ipxe} (ISO,
     * option ROMs) is not served by a node.
     */
    private static void debianLoaders(Path tree, Path dest) throws IOException {
        Files.createDirectories(dest);
        Path lib = tree.resolve("usr/lib/ipxe");
        for (String name : DEBIAN_LOADERS) {
            Path src = lib.resolve(name);
            Path real = Files.isSymbolicLink(src) ? tree.resolve(Files.readSymbolicLink(src).toString().substring(1)) : src;
            Files.copy(real, dest.resolve(name));
        }
        deleteTree(lib);
        Files.createDirectories(lib.resolve("debian"));
        for (String name : DEBIAN_LOADERS) {
            Files.copy(dest.resolve(name), lib.resolve("debian").resolve(name));
        }
    }

    /** Every account is locked: its shadow password field is {@code *} or starts with {@code !}. */
    static void checkNoPasswords(Path tree) throws IOException {
        List<String> bad = accountsWithPasswords(Files.readString(tree.resolve("etc/shadow")));
        if (!bad.isEmpty()) {
            throw new KubermeshException("accounts with a password or an empty one in the root: " + bad);
        }
    }

    /** Names of the accounts of a shadow file whose password field would let someone log in. */
    static List<String> accountsWithPasswords(String shadow) {
        List<String> bad = new ArrayList<>();
        for (String line : shadow.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(":", -1);
            String pw = f.length > 1 ? f[1] : "";
            if (!(pw.equals("*") || pw.startsWith("!"))) {
                bad.add(f[0]);
            }
        }
        return bad;
    }

    private static int countModules(Path tree, String kernel) throws IOException {
        try (Stream<Path> s = Files.walk(tree.resolve("usr/lib/modules").resolve(kernel))) {
            return (int) s.filter(p -> p.toString().endsWith(".ko")).count();
        }
    }

    /** Keeps the modules {@code keep} matches and everything they depend on (modules.dep); deletes the rest. */
    static int pruneModules(Path tree, String kernel, List<String> keep) throws IOException {
        Path base = tree.resolve("usr/lib/modules").resolve(kernel);
        Map<String, List<String>> deps = new HashMap<>();
        for (String line : Files.readAllLines(base.resolve("modules.dep"), StandardCharsets.UTF_8)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                String rest = line.substring(colon + 1).trim();
                deps.put(line.substring(0, colon), rest.isEmpty() ? List.of() : List.of(rest.split("\\s+")));
            }
        }
        Set<String> kept = keptModules(deps, keep);
        try (Stream<Path> s = Files.walk(base.resolve("kernel"))) {
            for (Path p : s.filter(p -> p.toString().endsWith(".ko")).toList()) {
                if (!kept.contains(base.relativize(p).toString())) {
                    Files.delete(p);
                }
            }
        }
        return kept.size();
    }

    /** The modules of {@code deps} (path to its dependencies) that {@code keep} selects, closed under dependency. */
    static Set<String> keptModules(Map<String, List<String>> deps, List<String> keep) {
        Set<String> kept = new HashSet<>();
        List<String> todo = new ArrayList<>();
        for (String m : deps.keySet()) {
            for (String k : keep) {
                if (m.startsWith("kernel/" + k)) {
                    todo.add(m);
                    break;
                }
            }
        }
        while (!todo.isEmpty()) {
            String m = todo.remove(todo.size() - 1);
            if (kept.add(m)) {
                todo.addAll(deps.getOrDefault(m, List.of()));
            }
        }
        return kept;
    }

    /** What a running node never reads: /boot, udev's hardware database, apt's state, caches. */
    private static void prune(Path tree) throws IOException {
        for (String p : List.of("boot", "usr/lib/udev/hwdb.d", "usr/lib/udev/hwdb.bin", "etc/udev/hwdb.bin",
                "var/cache/apt", "var/lib/apt", "var/log/apt", "usr/share/i18n", "usr/lib/x86_64-linux-gnu/gconv",
                "usr/share/bug", "usr/share/common-licenses", "var/cache/debconf/templates.dat-old",
                "var/cache/debconf/config.dat-old", "var/lib/dpkg/status-old", "var/log/dpkg.log",
                "var/log/alternatives.log", "var/log/bootstrap.log")) {
            deleteTree(tree.resolve(p));
        }
        Files.createDirectories(tree.resolve("boot/efi"));
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(x);
            }
        }
    }
}
