package io.kubermesh.provider.netns.machine;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.File;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Powers a netns machine's operating system on: a JVM running {@link NetnsMachine} inside the
 * machine's namespace, in a session of its own so it outlives the command that started it, its
 * output appended to the machine's console.
 */
public final class MachineLauncher {
    private MachineLauncher() {
    }

    /**
     * The JVM a machine runs: this JVM's java and class path, sized for an agent (a small heap,
     * the serial collector, C1 only, since an agent's work is short bursts and JIT time would not
     * pay back; no perf-data file), with {@link NetnsMachine} as its main class.
     */
    public static List<String> plainCommand() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return List.of(java, "-Xmx96m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData",
                "-cp", classPath(), NetnsMachine.class.getName());
    }

    /** This JVM's class path, with this provider's own jar added when it came from a plug-in directory. */
    static String classPath() {
        String cp = System.getProperty("java.class.path");
        try {
            String own = Path.of(NetnsMachine.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (Arrays.asList(cp.split(File.pathSeparator)).contains(own)) {
                return cp;
            }
            return cp.isEmpty() ? own : cp + File.pathSeparator + own;
        } catch (URISyntaxException | RuntimeException e) {
            return cp;
        }
    }

    /** The arguments {@link NetnsMachine} takes: the agent of a deployed machine, or the firmware of a blank one. */
    public static List<String> arguments(String name, boolean deployed, Path config, Path state, boolean etcdBootstrap) {
        List<String> out = new ArrayList<>();
        if (deployed) {
            out.addAll(List.of("agent", "--config", config.toString()));
        } else {
            out.add("firmware");
        }
        out.addAll(List.of("--state", state.toString(), "--name", name));
        if (deployed && etcdBootstrap) {
            out.add("--etcd-bootstrap");
        }
        return out;
    }

    /** Starts {@code command} followed by {@code arguments} in namespace {@code netns}, appending to {@code console}. */
    public static void start(String netns, Path console, List<String> command, List<String> arguments, Path state) {
        List<String> javaArgs = new ArrayList<>(command.subList(1, command.size()));
        javaArgs.addAll(arguments);
        CommandLine java = HostRequirements.JAVA.at(command.get(0), javaArgs);
        CommandLine inNamespace = HostRequirements.NSENTER.wrapping(List.of("--net=" + NetworkNamespaces.path(netns), "--"), java);
        CommandLine cmd = HostRequirements.SETSID.wrapping(List.of(), inNamespace);
        try {
            Files.createDirectories(state);
            cmd.processBuilder().redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new SubstrateException("cannot start the machine in " + netns + ": " + e.getMessage(), e);
        }
    }
}
