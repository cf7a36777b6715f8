package io.kubermesh.cli;

import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.lab.Lab;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * The operator's side of enrolment ({@code cluster.enrolment: approve}, ARCHITECTURE.md "Trust"):
 * a machine that netbooted waits, with no certificate, until an operator approves or denies its
 * MAC. The decision is written to etcd by an etcd member's agent (only members may), so every
 * node's boot services judge alike; {@code status} lists the machines waiting.
 */
final class EnrolmentCommands {
    private EnrolmentCommands() {
    }

    /** approve and deny: one MAC, recorded through a member's agent. */
    abstract static class Decide implements Callable<Integer> {
        @Mixin
        LabCommands.LabOptions lab = new LabCommands.LabOptions();
        @Parameters(index = "0", paramLabel = "MAC", description = "The machine's MAC, as status lists it (52:54:00:12:34:56).")
        String mac;
        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        abstract boolean approve();

        @Override
        public Integer call() {
            MacAddress m;
            try {
                m = MacAddress.parse(mac);
            } catch (RuntimeException e) {
                throw new ConfigurationException("MAC", mac, "a MAC address like 52:54:00:12:34:56");
            }
            PrintWriter out = spec.commandLine().getOut();
            Lab l = lab.attach(out);
            ControlAnswers.Decision d = l.decide(m, approve());
            out.println(d.mac() + ": " + d.decision() + (approve()
                    ? "; its boot chain asks again and it gets its certificate"
                    : "; it gets an address on its port and nothing else"));
            return 0;
        }
    }

    @Command(name = "approve", mixinStandardHelpOptions = true,
            description = "Admits a machine waiting for approval (cluster.enrolment: approve): it gets its certificate and joins.")
    static final class Approve extends Decide {
        @Override
        boolean approve() {
            return true;
        }
    }

    @Command(name = "deny", mixinStandardHelpOptions = true,
            description = "Refuses a machine: no certificate, no Ignition config, whatever the policy (until approved).")
    static final class Deny extends Decide {
        @Override
        boolean approve() {
            return false;
        }
    }

    /** The lines {@code status} prints for the machines waiting for approval (none when nothing waits). */
    static List<String> waiting(Optional<ControlAnswers.Enrolment> enrolment) {
        if (enrolment.isEmpty() || enrolment.get().pending().isEmpty()) {
            return List.of();
        }
        List<String> out = new java.util.ArrayList<>();
        out.add("waiting for approval (kubermesh approve MAC admits one, kubermesh deny MAC refuses it):");
        for (ControlAnswers.Waiting w : enrolment.get().pending()) {
            out.add("  " + w.mac() + "  first seen " + (w.firstSeen() == null ? "?" : w.firstSeen())
                    + (w.node() == null ? "" : " by " + w.node()));
        }
        return out;
    }
}
