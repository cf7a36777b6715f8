package io.kubermesh.cli;

import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.lab.Lab;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The cluster's routing key (docs/trust.md, "Rolling the routing key"): {@code kubermesh
 * routing-key} shows the ids every machine holds (never a secret); {@code kubermesh routing-key
 * roll} replaces the key on every machine without losing an adjacency, so a machine that kept the
 * old one (a denied machine, say) forms none afterwards.
 */
@Command(name = "routing-key", mixinStandardHelpOptions = true,
        description = {"Shows the cluster's routing key ids, or rolls the key (roll): every machine accepts a new key,"
                + " then signs with it, then drops the old one; each step waits until every powered machine holds it.",
                "Run it after kubermesh deny MAC of a machine that was enrolled: it keeps the old key, which then admits it to no adjacency."})
final class RoutingKeyCommand implements Callable<Integer> {
    @Mixin
    LabCommands.LabOptions lab = new LabCommands.LabOptions();
    @Parameters(index = "0", arity = "0..1", paramLabel = "roll", description = "roll: replace the key on every machine.")
    String action;
    @Option(names = "--step-timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "How long each step waits for every powered machine to hold its keys (default: ${DEFAULT-VALUE}).")
    long stepTimeout;
    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        if (action != null && !action.equals("roll")) {
            throw new ConfigurationException("routing-key ACTION", action, "nothing (show the ids) or roll");
        }
        if (stepTimeout < 1 || stepTimeout > 3600) {
            throw new ConfigurationException("--step-timeout", Long.toString(stepTimeout), "1..3600 seconds");
        }
        PrintWriter out = spec.commandLine().getOut();
        Lab l = lab.attach(out);
        ControlAnswers.RoutingKeys keys = action == null ? l.routingKeys() : l.rollRoutingKey(Duration.ofSeconds(stepTimeout));
        out.println("routing key " + keys.ids() + (keys.step().equals("none") ? " (never rolled)" : " (roll step " + keys.step() + ")"));
        return 0;
    }
}
