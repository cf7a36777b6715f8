package io.kubermesh.agent;

import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import io.kubermesh.controlplane.etcd.EtcdBinary;
import io.kubermesh.routing.daemon.RoutingDaemons;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.zip.GZIPInputStream;

/**
 * Checks a machine for what the node components a cluster file asks for need (programs, boot
 * loader files, kernel features, root), before anything starts. {@link #forNode} gathers the
 * requirements; {@link #missing} says which are absent and why; {@link #require} fails at once
 * with an {@link EnvironmentException} carrying the exact {@code apt-get install -y ...} line
 * (exit 3 at the CLI). The agent runs it at start and fails exactly the components whose
 * requirements are missing; the lab runs it with {@link HostRequirements#LAB} before {@code up},
 * {@code plug} and {@code revive}.
 */
public final class Preflight {
    /** A requirement and the component that needs it ({@code routing}, {@code etcd}, {@code boot}, {@code node}, {@code lab}). */
    public record Need(String component, Requirement requirement) {
    }

    /** A requirement this machine lacks, and how it was found lacking. */
    public record Missing(Need need, String reason) {
        /** One line: {@code etcd: the etcd member of the control plane: /usr/bin/etcd is not installed}. */
        public String line() {
            return need.component() + ": " + reason + " (" + need.requirement().purpose() + ")";
        }
    }

    private Preflight() {
    }

    /**
     * Every requirement of the node components {@code spec} asks for: root and the stub link, the
     * routing daemon it names, etcd unless {@code controlPlane.etcdMembers} is 0 or no etcd
     * service is configured, and the x86 boot loaders the boot services hand out from {@code tftpRoot}.
     */
    public static List<Need> forNode(ClusterSpec spec, Path tftpRoot) {
        List<Need> out = new ArrayList<>();
        out.add(new Need("node", HostRequirements.ROOT));
        out.add(new Need("node", HostRequirements.STUB_LINK));
        out.addAll(routing(spec));
        out.addAll(etcd(spec));
        out.addAll(boot(spec, tftpRoot));
        return List.copyOf(out);
    }

    /** What the routing daemon named by the cluster file needs. */
    public static List<Need> routing(ClusterSpec spec) {
        return RoutingDaemons.provider(spec.routing().daemon().id()).requirements().stream()
                .map(r -> new Need("routing", r)).toList();
    }

    /** What the etcd member needs; nothing when the cluster runs no etcd. */
    public static List<Need> etcd(ClusterSpec spec) {
        if (!etcdWanted(spec)) {
            return List.of();
        }
        return List.of(new Need("etcd", EtcdBinary.REQUIREMENT));
    }

    /** True when the cluster file asks for etcd: members above 0 and an {@code etcd} anycast service. */
    public static boolean etcdWanted(ClusterSpec spec) {
        return spec.controlPlane().etcd() && spec.service("etcd").isPresent();
    }

    /**
     * The boot loaders the boot services hand out: the UEFI and BIOS files of {@code cluster.boot}.
     * The arm64 one is left out: Debian's ipxe package has none, and no machine here is arm64.
     */
    public static List<Need> boot(ClusterSpec spec, Path tftpRoot) {
        Set<String> files = new LinkedHashSet<>(List.of(spec.boot().uefiBootFile(), spec.boot().biosBootFile()));
        return files.stream().map(f -> new Need("boot", HostRequirements.bootLoader(tftpRoot, f))).toList();
    }

    /** The lab's own requirements (its launcher, probe, cables), as needs of component {@code lab}. */
    public static List<Need> lab() {
        return HostRequirements.LAB.stream().map(r -> new Need("lab", r)).toList();
    }

    /** The needs this machine does not meet, in the order given. */
    public static List<Missing> missing(Collection<Need> needs) {
        List<Missing> out = new ArrayList<>();
        for (Need n : needs) {
            why(n.requirement()).ifPresent(reason -> out.add(new Missing(n, reason)));
        }
        return out;
    }

    /** Throws when anything is missing: every missing piece named, the install line as the remedy. */
    public static void require(Collection<Need> needs) {
        List<Missing> missing = missing(needs);
        if (missing.isEmpty()) {
            return;
        }
        StringBuilder message = new StringBuilder("this machine lacks what the cluster needs:");
        missing.forEach(m -> message.append("\n  ").append(m.line()));
        throw new EnvironmentException(message.toString(), remedy(missing));
    }

    /**
     * The one command that fixes {@code missing}: {@code apt-get install -y} with every package,
     * and the remedies no package provides after it ({@code run it as root}).
     */
    public static String remedy(List<Missing> missing) {
        Set<String> packages = new LinkedHashSet<>();
        Set<String> others = new LinkedHashSet<>();
        for (Missing m : missing) {
            Optional<String> p = m.need().requirement().providedBy();
            if (p.isPresent()) {
                packages.add(p.get());
            } else {
                others.add(m.need().requirement().remedy());
            }
        }
        List<String> parts = new ArrayList<>();
        if (!packages.isEmpty()) {
            parts.add("apt-get install -y " + String.join(" ", packages));
        }
        parts.addAll(others);
        return String.join("; ", parts);
    }

    /** Why the requirement is not met on this machine, or empty when it is. */
    public static Optional<String> why(Requirement r) {
        if (r instanceof Requirement.Program p) {
            return program(p);
        } else if (r instanceof Requirement.File f) {
            return Files.isReadable(f.path()) ? Optional.empty() : Optional.of(f.path() + " is missing");
        } else if (r instanceof Requirement.KernelFeature k) {
            return kernel(k);
        } else {
            return root() ? Optional.empty() : Optional.of("not running as root");
        }
    }

    private static Optional<String> program(Requirement.Program p) {
        String exe = p.executable();
        boolean overridden = !exe.equals(p.command());
        String named = overridden ? exe + " (" + p.overrideVariable() + ")" : exe;
        if (!p.onPath()) {
            return Files.isExecutable(Path.of(exe)) ? Optional.empty() : Optional.of(named + " is not installed");
        }
        return onPath(exe).isPresent() ? Optional.empty() : Optional.of(named + " is not installed (not on PATH)");
    }

    /** The first executable {@code name} on {@code PATH}. */
    public static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }

    private static boolean root() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.trim().split("\\s+")).anyMatch(f -> f.length > 2 && f[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * A kernel feature is present when one of its paths exists, or one of its link kinds is
     * loaded ({@code /sys/module}), built in or a module ({@code /proc/config.gz}, else
     * {@code modules.builtin}/{@code modules.dep}). A kernel that tells none of this is given the
     * benefit of the doubt: making the link will say.
     */
    private static Optional<String> kernel(Requirement.KernelFeature k) {
        for (Path p : k.paths()) {
            if (Files.exists(p)) {
                return Optional.empty();
            }
        }
        if (k.linkKinds().isEmpty()) {
            return Optional.of("this kernel has no " + k.name());
        }
        Optional<String> config = kernelConfig();
        String modules = moduleLists();
        for (String kind : k.linkKinds()) {
            if (Files.isDirectory(Path.of("/sys/module", kind))) {
                return Optional.empty();
            }
            String option = "CONFIG_" + kind.toUpperCase(Locale.ROOT);
            if (config.isPresent() && (config.get().contains("\n" + option + "=y") || config.get().contains("\n" + option + "=m"))) {
                return Optional.empty();
            }
            if (modules.contains("/" + kind + ".ko")) {
                return Optional.empty();
            }
        }
        if (config.isEmpty() && modules.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("this kernel has no " + k.name());
    }

    private static Optional<String> kernelConfig() {
        Path gz = Path.of("/proc/config.gz");
        if (!Files.isReadable(gz)) {
            return Optional.empty();
        }
        try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
            return Optional.of("\n" + new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String moduleLists() {
        String release = System.getProperty("os.version");
        StringBuilder out = new StringBuilder();
        for (String f : List.of("modules.builtin", "modules.dep")) {
            Path p = Path.of("/lib/modules", release, f);
            try {
                if (Files.isReadable(p)) {
                    out.append(Files.readString(p, StandardCharsets.US_ASCII));
                }
            } catch (IOException e) {
                // unreadable: as if absent
            }
        }
        return out.toString();
    }
}
