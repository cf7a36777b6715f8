package io.kubermesh.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Something a node component or the lab needs from the machine it runs on, and what provides it:
 * a program, a file, a kernel feature, or root. A pure description; {@code Preflight} in the agent
 * checks a set of them against the machine. Every program kubermesh runs is a {@link Program}
 * from {@link HostRequirements}, launched through a {@link CommandLine} it made, so the set of
 * external programs is known from the code.
 */
public sealed interface Requirement {
    /** A short name for messages: {@code etcd}, {@code /usr/lib/ipxe/snponly.efi}, {@code root}. */
    String name();

    /** Why it is needed, for messages ("the etcd member"). */
    String purpose();

    /** The Debian package that provides it, if one does. */
    Optional<String> providedBy();

    /** What makes it present: {@code apt-get install -y PKG}, or an instruction when no package does. */
    String remedy();

    /**
     * An external program.
     *
     * @param name its short name, also the key of its override variable ({@link #overrideVariable()})
     * @param command an absolute path, or a bare name looked up on {@code PATH}
     * @param debianPackage the Debian package that installs {@code command}
     */
    record Program(String name, String command, String debianPackage, String purpose) implements Requirement {
        public Program {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(command, "command");
            Objects.requireNonNull(debianPackage, "debianPackage");
            Objects.requireNonNull(purpose, "purpose");
            if (!name.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalArgumentException("a program name is lower-case letters, digits and '-': " + name);
            }
        }

        /**
         * The environment variable that replaces {@link #command()} for this program
         * ({@code KUBERMESH_PROGRAM_ETCD}): how a test or an operator points a node at another
         * build, or at none (a path that does not exist makes the program missing).
         */
        public String overrideVariable() {
            return "KUBERMESH_PROGRAM_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
        }

        /** The command as this process runs it: the override variable's value when set, else {@link #command()}. */
        public String executable() {
            String override = System.getenv(overrideVariable());
            return override == null || override.isBlank() ? command : override;
        }

        /** True when {@link #executable()} is a bare name to look up on {@code PATH}. */
        public boolean onPath() {
            return !executable().contains("/");
        }

        /** This program with {@code args}. */
        public CommandLine args(List<String> args) {
            List<String> argv = new ArrayList<>();
            argv.add(executable());
            argv.addAll(args);
            return new CommandLine(List.of(this), argv);
        }

        public CommandLine args(String... args) {
            return args(List.of(args));
        }

        /**
         * This program run from {@code executable} (the running JVM's own {@code java}, for
         * example) rather than from {@link #executable()}, with {@code args}.
         */
        public CommandLine at(String executable, List<String> args) {
            List<String> argv = new ArrayList<>();
            argv.add(executable);
            argv.addAll(args);
            return new CommandLine(List.of(this), argv);
        }

        /** This program with {@code args}, then {@code inner} (a wrapper such as {@code nsenter ... --}). */
        public CommandLine wrapping(List<String> args, CommandLine inner) {
            List<Program> programs = new ArrayList<>();
            programs.add(this);
            programs.addAll(inner.programs());
            List<String> argv = new ArrayList<>(args(args).argv());
            argv.addAll(inner.argv());
            return new CommandLine(programs, argv);
        }

        @Override
        public Optional<String> providedBy() {
            return Optional.of(debianPackage);
        }

        @Override
        public String remedy() {
            return "apt-get install -y " + debianPackage;
        }
    }

    /** A file a component reads or serves, such as a boot loader. */
    record File(Path path, String debianPackage, String purpose) implements Requirement {
        public File {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(debianPackage, "debianPackage");
            Objects.requireNonNull(purpose, "purpose");
        }

        @Override
        public String name() {
            return path.toString();
        }

        @Override
        public Optional<String> providedBy() {
            return Optional.of(debianPackage);
        }

        @Override
        public String remedy() {
            return "apt-get install -y " + debianPackage;
        }
    }

    /**
     * A kernel feature, present when any one of {@code linkKinds} can be made or any one of
     * {@code paths} exists (a {@code /proc} or {@code /sys} entry).
     *
     * @param linkKinds rtnetlink link kinds of which one suffices ({@code dummy}, {@code ifb}); may be empty
     * @param paths files of which one suffices ({@code /proc/self/ns/net}); may be empty
     */
    record KernelFeature(String name, List<String> linkKinds, List<Path> paths, String purpose) implements Requirement {
        public KernelFeature {
            Objects.requireNonNull(name, "name");
            linkKinds = List.copyOf(linkKinds);
            paths = List.copyOf(paths);
            if (linkKinds.isEmpty() && paths.isEmpty()) {
                throw new IllegalArgumentException("a kernel feature needs a link kind or a path to test: " + name);
            }
        }

        @Override
        public Optional<String> providedBy() {
            return Optional.empty();
        }

        @Override
        public String remedy() {
            if (!linkKinds.isEmpty()) {
                return "a kernel with " + String.join(" or ", linkKinds.stream()
                        .map(k -> "CONFIG_" + k.toUpperCase(Locale.ROOT)).toList()) + " (built in, or: modprobe "
                        + linkKinds.get(0) + ")";
            }
            return "a kernel with " + name;
        }
    }

    /** Root (network namespaces, links, addresses, raw sockets). */
    record Root(String purpose) implements Requirement {
        @Override
        public String name() {
            return "root";
        }

        @Override
        public Optional<String> providedBy() {
            return Optional.empty();
        }

        @Override
        public String remedy() {
            return "run it as root";
        }
    }
}
