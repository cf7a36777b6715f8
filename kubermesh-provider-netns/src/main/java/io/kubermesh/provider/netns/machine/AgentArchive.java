package io.kubermesh.provider.netns.machine;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.netns.NetnsSubstrate;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.SubstrateConfig;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * An AppCDS archive (Java 17 dynamic archive) of the classes a lab machine's JVM loads on its way
 * from firmware to a running agent, so each agent JVM maps them instead of loading, parsing and
 * verifying them again: it is made once, beside the jar the agents run from, and used through
 * {@code -XX:SharedArchiveFile}. It is trained on a real join: two netns machines whose blank one
 * runs with {@code -XX:ArchiveClassesAtExit}, netboots, joins, and is shut down in order (the JVM
 * writes the archive as it exits). Classes from directories cannot be archived, so an agent
 * started from {@code target/classes} (the tests) runs without.
 */
public final class AgentArchive {
    static final String FILE = "kubermesh-agent.jsa";
    private static final Duration SHUTDOWN = Duration.ofSeconds(20);
    private static final int JOIN_SECONDS = 90;

    private AgentArchive() {
    }

    /**
     * {@code agentCommand} ({@code java}, its options, the class path and the main class) with the
     * archive in use, made first if it is missing or older than the jars; unchanged when the
     * class path is not all jars. {@code clusterYaml} configures the training machines, which live
     * in {@code workDirectory} (namespaces {@code km<cluster name>cds-*}) and are removed afterwards.
     */
    public static List<String> use(List<String> agentCommand, Path workDirectory, String clusterYaml, Consumer<String> progress) {
        Optional<Path> archive = location(agentCommand);
        if (archive.isEmpty()) {
            return agentCommand;
        }
        if (stale(archive.get(), classPath(agentCommand))) {
            create(archive.get(), agentCommand, workDirectory, clusterYaml, progress);
        }
        return withOptions(agentCommand, List.of("-XX:SharedArchiveFile=" + archive.get(), "-Xshare:auto", "-Xlog:cds=off"));
    }

    /** {@code agentCommand} with the archive in use when it is there and fresh; unchanged otherwise. */
    public static List<String> ifPresent(List<String> agentCommand) {
        return location(agentCommand).filter(a -> !stale(a, classPath(agentCommand)))
                .map(a -> withOptions(agentCommand, List.of("-XX:SharedArchiveFile=" + a, "-Xshare:auto", "-Xlog:cds=off")))
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
        ClusterSpec spec = ClusterConfig.parse(yaml, "the archive training's cluster");
        List<String> training = withOptions(agentCommand, List.of("-XX:ArchiveClassesAtExit=" + partial, "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        Path dir = workDirectory.resolve("lab");
        NetnsSubstrate substrate = NetnsSubstrate.open(new SubstrateConfig(spec, dir, Map.of(NetnsSubstrate.CLASS_ARCHIVE, "off")));
        // Ctrl-C during the training removes its machines too.
        Thread interrupted = new Thread(substrate::close, "archive-training-interrupted");
        Runtime.getRuntime().addShutdownHook(interrupted);
        try {
            train(substrate, yaml, agentCommand, training, line -> progress.accept("  training: " + line));
        } finally {
            Runtime.getRuntime().removeShutdownHook(interrupted);
            substrate.close();
            remove(dir);
            try {
                Files.deleteIfExists(workDirectory);
            } catch (IOException e) {
                // not empty: something else of the user's is in it; leave it
            }
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

    /**
     * The training join: a deployed gateway (plain JVM) and a blank machine cabled to it whose JVM
     * writes the archive; the blank machine network-boots, its agent runs and reaches the
     * gateway, then it is shut down in order, so its JVM writes the archive as it exits.
     */
    private static void train(NetnsSubstrate substrate, String yaml, List<String> plain, List<String> training,
                              Consumer<String> progress) {
        String gateway = Topology.GATEWAY;
        String blank = Topology.machineName(1);
        substrate.addMachine(new MachineSpec(gateway, List.of(new MacAddress(0x5254_00fe_0100L)), false));
        substrate.addMachine(new MachineSpec(blank, List.of(new MacAddress(0x5254_00fe_0200L)), true));
        substrate.cable(new PortRef(gateway, 0), new PortRef(blank, 0));
        substrate.deploy(gateway, new Deployment(yaml, true));
        substrate.useMachineCommand(plain);
        substrate.powerOn(gateway);
        NodeStatus g = awaitRunning(substrate, gateway);
        progress.accept(gateway + ": agent running");
        substrate.useMachineCommand(training);
        substrate.powerOn(blank);
        try {
            awaitRunning(substrate, blank);
        } catch (SubstrateException e) {
            // The blank machine boots from the gateway: what the gateway said is half the story.
            throw new SubstrateException(e.getMessage() + "\nthe console of " + gateway + ", which it boots from, ends with:\n"
                    + String.join("\n", substrate.consoleTail(gateway, 40)), e);
        }
        long deadline = System.nanoTime() + JOIN_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline && !reaches(substrate, blank, g.host())) {
            sleep(200);
        }
        progress.accept(blank + ": joined; shutting it down so its JVM writes the archive");
        substrate.shutdown(blank, SHUTDOWN);
    }

    private static NodeStatus awaitRunning(NetnsSubstrate substrate, String machine) {
        long deadline = System.nanoTime() + JOIN_SECONDS * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            try (AgentClient c = new AgentClient(substrate.agent(machine))) {
                NodeStatus s = c.status();
                if ("running".equals(s.state())) {
                    return s;
                }
            } catch (KubermeshException e) {
                // not answering yet
            }
            sleep(100);
        }
        throw new SubstrateException("archive training: the agent of " + machine + " did not run within " + JOIN_SECONDS
                + " s; its console ends with:\n" + String.join("\n", substrate.consoleTail(machine, 25)));
    }

    private static boolean reaches(NetnsSubstrate substrate, String from, String address) {
        try (AgentClient c = new AgentClient(substrate.agent(from))) {
            return c.probe(List.of(address)).probes().get(0).reachable();
        } catch (KubermeshException e) {
            return false;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted", e);
        }
    }

    private static void remove(Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // already gone
        }
    }
}
