package io.kubermesh.provider.netns.lab;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An AppCDS archive (Java 17 dynamic archive) of the classes a lab machine's JVM loads on its way
 * from firmware to a running agent, so each agent JVM maps them instead of loading, parsing and
 * verifying them again: it is made once, beside the jar the agents run from, and used through
 * {@code -XX:SharedArchiveFile}. It is trained on a real join: a two-machine lab whose blank
 * machine runs with {@code -XX:ArchiveClassesAtExit}, netboots, joins, and is shut down in order
 * (the JVM writes the archive as it exits). Classes from directories cannot be archived, so an
 * agent started from {@code target/classes} (the tests) runs without.
 */
public final class AgentArchive {
    static final String FILE = "kubermesh-agent.jsa";
    private static final long SHUTDOWN_MILLIS = 20_000;

    private AgentArchive() {
    }

    /**
     * {@code agentCommand} ({@code java}, its options, the class path and the main class) with the
     * archive in use, made first if it is missing or older than the jars; unchanged when the
     * class path is not all jars. {@code clusterYaml} configures the training lab, which lives in
     * {@code workDirectory} (namespaces {@code km<cluster name>cds-*}) and is removed afterwards.
     */
    public static List<String> use(List<String> agentCommand, Path workDirectory, String clusterYaml, Consumer<String> progress) {
        Optional<Path> archive = location(agentCommand);
        if (archive.isEmpty()) {
            return agentCommand;
        }
        if (stale(archive.get(), classPath(agentCommand))) {
            create(archive.get(), agentCommand, workDirectory, clusterYaml, progress);
        }
        return withOptions(agentCommand, List.of("-XX:SharedArchiveFile=" + archive.get(), "-Xshare:auto"));
    }

    /** {@code agentCommand} with the archive in use when it is there and fresh; unchanged otherwise. */
    public static List<String> ifPresent(List<String> agentCommand) {
        return location(agentCommand).filter(a -> !stale(a, classPath(agentCommand)))
                .map(a -> withOptions(agentCommand, List.of("-XX:SharedArchiveFile=" + a, "-Xshare:auto")))
                .orElse(agentCommand);
    }

    /** Where the archive for this command lives: beside its first jar; empty when the class path has a directory. */
    static Optional<Path> location(List<String> agentCommand) {
        List<Path> cp = classPath(agentCommand);
        if (cp.isEmpty() || cp.stream().anyMatch(p -> !p.toString().endsWith(".jar"))) {
            return Optional.empty();
        }
        return Optional.of(cp.get(0).toAbsolutePath().resolveSibling(FILE));
    }

    static List<Path> classPath(List<String> agentCommand) {
        int i = agentCommand.indexOf("-cp");
        if (i < 0) {
            i = agentCommand.indexOf("-classpath");
        }
        if (i < 0 || i + 1 >= agentCommand.size()) {
            return List.of();
        }
        List<Path> out = new ArrayList<>();
        for (String e : agentCommand.get(i + 1).split(File.pathSeparator)) {
            if (!e.isEmpty()) {
                out.add(Path.of(e));
            }
        }
        return out;
    }

    /** {@code command} with JVM options added right after the java executable. */
    static List<String> withOptions(List<String> command, List<String> options) {
        List<String> out = new ArrayList<>(command.subList(0, 1));
        out.addAll(options);
        out.addAll(command.subList(1, command.size()));
        return out;
    }

    private static boolean stale(Path archive, List<Path> classPath) {
        if (!Files.exists(archive)) {
            return true;
        }
        try {
            FileTime made = Files.getLastModifiedTime(archive);
            for (Path jar : classPath) {
                if (Files.exists(jar) && Files.getLastModifiedTime(jar).compareTo(made) > 0) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static void create(Path archive, List<String> agentCommand, Path workDirectory, String clusterYaml,
                               Consumer<String> progress) {
        Path partial = archive.resolveSibling(FILE + ".part");
        try {
            Files.deleteIfExists(partial);
            Files.createDirectories(workDirectory);
            Files.setPosixFilePermissions(workDirectory, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new SubstrateException("cannot prepare " + workDirectory + " for the agent archive: " + e.getMessage(), e);
        }
        progress.accept("making the agents' class archive " + archive + " (once): a two-machine training join");
        String yaml = clusterYaml.replaceFirst("(?m)^(\\s*name:\\s*)([a-z0-9-]+)\\s*$", "$1$2cds");
        List<String> training = withOptions(agentCommand, List.of("-XX:ArchiveClassesAtExit=" + partial));
        Path dir = workDirectory.resolve("lab");
        Lab lab = Lab.create(dir, yaml, training, line -> progress.accept("  training: " + line));
        // Ctrl-C during the training removes its lab too.
        Thread interrupted = new Thread(lab::down, "archive-training-interrupted");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try {
            lab.up(Topology.line(2));
            lab.shutdown(Topology.machineName(1), SHUTDOWN_MILLIS);
        } finally {
            Runtime.getRuntime().removeShutdownHook(interrupted);
            lab.down();
        }
        try {
            if (!Files.exists(partial) || Files.size(partial) == 0) {
                throw new SubstrateException("the training JVM wrote no class archive at " + partial);
            }
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SubstrateException("cannot keep the class archive " + archive + ": " + e.getMessage(), e);
        }
        progress.accept("class archive ready: " + archive);
    }
}
