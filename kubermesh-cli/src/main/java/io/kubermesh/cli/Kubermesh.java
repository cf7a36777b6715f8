package io.kubermesh.cli;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.NotApplicableException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kubermesh} command. Exit codes (ARCHITECTURE.md, "CLI contract"): 0 done; 1 the
 * operation failed; 2 bad input, naming the field, the value and what is valid; 3 the environment
 * lacks something, with the command that installs it. An operation the lab's substrate cannot do
 * (bare metal cannot make a cable) is bad input too.
 */
@Command(name = "kubermesh", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Switchless, self-hosted, self-healing Kubernetes meshes.",
        subcommands = {LabCommands.Up.class, StatusCommand.class, LabCommands.Plug.class, LabCommands.Cut.class,
                LabCommands.Join.class, LabCommands.Kill.class, LabCommands.Revive.class, RoutesCommand.class,
                TopologyCommand.class, LabCommands.Down.class, SubstratesCommand.class, PlanCommand.class,
                AgentCommand.class, BootCommand.class, RenderCommand.class, CompletionCommand.class, PowerCommand.class,
                ImageCommand.class, EnrolmentCommands.Approve.class, EnrolmentCommands.Deny.class,
                RoutingKeyCommand.class})
public final class Kubermesh implements Runnable {
    public static final int FAILED = 1;
    public static final int BAD_INPUT = 2;
    public static final int ENVIRONMENT = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command with the given streams; returns the exit code. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = Examples.addTo(new CommandLine(new Kubermesh()));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof NotApplicableException) {
                err.println("kubermesh: " + e.getMessage());
                return BAD_INPUT;
            }
            if (e instanceof ConfigurationException) {
                err.println("kubermesh: bad input: " + e.getMessage());
                return BAD_INPUT;
            }
            if (e instanceof EnvironmentException) {
                err.println("kubermesh: " + e.getMessage());
                return ENVIRONMENT;
            }
            if (e instanceof KubermeshException) {
                err.println("kubermesh: " + e.getMessage());
                return FAILED;
            }
            throw e;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }
}
