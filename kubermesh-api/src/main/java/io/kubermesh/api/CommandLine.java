package io.kubermesh.api;

import java.util.List;

/**
 * A command kubermesh runs, with the registered {@link Requirement.Program}s it uses (a wrapper
 * such as {@code nsenter} and the program it runs). Made only by {@link Requirement.Program#args}
 * and {@link Requirement.Program#wrapping}, or by {@link #configured} for a command the cluster
 * file names; it is the one place a {@link ProcessBuilder} is made, so every external program
 * kubermesh starts is one the code declares (a source scan keeps it so).
 *
 * @param programs the registered programs this command runs, outermost first (empty for {@link #configured})
 * @param argv the command line as it is executed
 */
public record CommandLine(List<Requirement.Program> programs, List<String> argv) {
    public CommandLine {
        programs = List.copyOf(programs);
        argv = List.copyOf(argv);
        if (argv.isEmpty()) {
            throw new IllegalArgumentException("a command line needs a program");
        }
    }

    /**
     * A command the cluster file gives (an anycast health check's {@code command}): the operator
     * chose it, so it is nobody's package requirement.
     */
    public static CommandLine configured(List<String> argv) {
        return new CommandLine(List.of(), argv);
    }

    /**
     * The same command declaring that it also runs {@code more} (a shell script's programs, which
     * the command line does not name as its own words).
     */
    public CommandLine alsoRunning(Requirement.Program... more) {
        List<Requirement.Program> all = new java.util.ArrayList<>(programs);
        all.addAll(List.of(more));
        return new CommandLine(all, argv);
    }

    /** A process builder for this command; the caller redirects and starts it. */
    public ProcessBuilder processBuilder() {
        return new ProcessBuilder(argv);
    }

    /** The command as one line, for messages. */
    @Override
    public String toString() {
        return String.join(" ", argv);
    }
}
