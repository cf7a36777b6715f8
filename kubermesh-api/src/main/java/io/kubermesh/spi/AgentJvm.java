package io.kubermesh.spi;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HostRequirements;
import java.io.File;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM a substrate starts for a machine's agent on this host (a netns machine, the baremetal
 * gateway): this JVM's java and class path, sized for an agent (a small heap, the serial
 * collector, C1 only, since an agent's work is short bursts and JIT time would not pay back; no
 * perf-data file). One copy, so every substrate's agents run alike.
 */
public final class AgentJvm {
    private AgentJvm() {
    }

    /** {@code java} with the agent's JVM options, {@code heap} (like {@code 128m}) and {@code main} as its main class. */
    public static List<String> command(Class<?> main, String heap, String... jvmOptions) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> out = new ArrayList<>(List.of(java, "-Xmx" + heap));
        out.addAll(List.of(jvmOptions));
        out.addAll(List.of("-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-cp", classPath(main),
                main.getName()));
        return out;
    }

    /** {@link #command} as a checked program ({@link HostRequirements#JAVA}) followed by {@code args}. */
    public static CommandLine commandLine(Class<?> main, String heap, List<String> args) {
        List<String> c = command(main, heap);
        List<String> rest = new ArrayList<>(c.subList(1, c.size()));
        rest.addAll(args);
        return HostRequirements.JAVA.at(c.get(0), rest);
    }

    /**
     * This JVM's class path, with the jar {@code main} came from added when it is not on it (a
     * provider loaded from a plug-in directory).
     */
    public static String classPath(Class<?> main) {
        String cp = System.getProperty("java.class.path");
        try {
            String own = Path.of(main.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            if (Arrays.asList(cp.split(File.pathSeparator)).contains(own)) {
                return cp;
            }
            return cp.isEmpty() ? own : cp + File.pathSeparator + own;
        } catch (URISyntaxException | RuntimeException e) {
            return cp;
        }
    }
}
