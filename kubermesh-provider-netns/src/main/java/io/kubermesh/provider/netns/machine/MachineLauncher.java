package io.kubermesh.provider.netns.machine;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.spi.AgentJvm;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Powers a netns machine's operating system on: a JVM running {@link NetnsMachine} inside the
 * machine's namespace, in a session of its own so it outlives the command that started it, its
 * output appended to the machine's console. A shell loop in the namespace stands in for the
 * node's service manager: it starts the agent again when it dies ({@link #supervisor}).
 */
public final class MachineLauncher {
    /**
     * Written by the firmware stand-in in the agent's state directory when it hands over to the
     * installed system: from then on the machine's agent runs, and is restarted when it dies.
     */
    public static final String HANDED_OVER = "handed-over";
    /** Exits in a row (not by a signal) after which the agent is left stopped. */
    static final int START_LIMIT = 5;

    private MachineLauncher() {
    }

    /**
     * The JVM a machine runs: this JVM's java and class path, sized for an agent (a small heap,
     * the serial collector, C1 only, since an agent's work is short bursts and JIT time would not
     * pay back; no perf-data file), with {@link NetnsMachine} as its main class.
     */
    public static List<String> plainCommand() {
        return AgentJvm.command(NetnsMachine.class, "96m", "-Xss512k");
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

    /**
     * Starts {@code command} followed by {@code arguments} in namespace {@code netns}, appending to
     * {@code console}, under {@link #supervisor}: when the agent dies it is started again, with
     * {@code agentArguments}, as systemd starts a node's agent again ({@code Restart=always}).
     */
    public static void start(String netns, Path console, List<String> command, List<String> arguments,
            List<String> agentArguments, Path state) {
        CommandLine cmd = command(netns, command, arguments, agentArguments, state);
        try {
            Files.createDirectories(state);
            // A handover marker from an earlier power-on says nothing about this boot.
            Files.deleteIfExists(state.resolve(HANDED_OVER));
            cmd.processBuilder().redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new SubstrateException("cannot start the machine in " + netns + ": " + e.getMessage(), e);
        }
    }

    /** The command line {@link #start} runs: setsid, nsenter, the supervising shell, the machine's JVM. */
    static CommandLine command(String netns, List<String> command, List<String> arguments, List<String> agentArguments,
            Path state) {
        List<String> first = new ArrayList<>(command);
        first.addAll(arguments);
        List<String> again = new ArrayList<>(command);
        again.addAll(agentArguments);
        boolean firmware = !arguments.isEmpty() && arguments.get(0).equals("firmware");
        String script = supervisor(first, again, firmware ? Optional.of(state.resolve(HANDED_OVER)) : Optional.empty());
        // The shell runs the JVM (command.get(0): this process's java, HostRequirements.JAVA) itself.
        CommandLine supervised = HostRequirements.SH.args("-c", script, "kubermesh-machine");
        CommandLine inNamespace = HostRequirements.NSENTER.wrapping(List.of("--net=" + NetworkNamespaces.path(netns), "--"),
                supervised);
        return HostRequirements.SETSID.wrapping(List.of(), inNamespace);
    }

    /**
     * The machine's service manager, as small as one can be: a POSIX shell loop that runs
     * {@code first} (the firmware, which hands over to the agent, or the agent itself) and, when
     * that process ends after the agent took over, runs {@code again} (the agent) for as long as the
     * machine is powered, as {@code Restart=always} does. Each restart is written to the console
     * with the reason ({@code agent exited (signal 9); restarting as systemd would}). A firmware
     * that ends before handing over ({@code handedOver} absent) is not restarted: nothing was
     * installed to start. Like systemd's start limit, an agent that exits on its own (not by a
     * signal) more than five times in a row is left stopped. Power off kills the loop with
     * everything else in the namespace (SIGKILL), so only an agent's own death restarts it.
     */
    static String supervisor(List<String> first, List<String> again, Optional<Path> handedOver) {
        String handover = handedOver.map(p -> "  if [ ! -e " + quote(p.toString()) + " ]; then\n"
                + "    echo \"firmware exited ($why) before handing over: nothing to restart\"; exit \"$s\"\n"
                + "  fi\n").orElse("");
        return quote(first) + "\n"
                + "s=$?\n"
                + "exits=0\n"
                + "while :; do\n"
                + "  if [ \"$s\" -gt 128 ]; then why=\"signal $((s - 128))\"; exits=0; else why=\"status $s\"; exits=$((exits + 1)); fi\n"
                + handover
                + "  if [ \"$exits\" -gt " + START_LIMIT + " ]; then\n"
                + "    echo \"agent exited ($why) $exits times in a row: left stopped (systemd's start limit)\"; exit \"$s\"\n"
                + "  fi\n"
                + "  echo \"agent exited ($why); restarting as systemd would\"\n"
                + "  " + quote(again) + "\n"
                + "  s=$?\n"
                + "done\n";
    }

    /** Words quoted for a POSIX shell: each in single quotes, a quote inside as {@code '\\''}. */
    static String quote(List<String> words) {
        return String.join(" ", words.stream().map(MachineLauncher::quote).toList());
    }

    private static String quote(String word) {
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
