package io.kubermesh.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kubermesh.agent.ComponentStatus;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.lab.Lab;
import io.kubermesh.lab.MachineView;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubermesh status}: machines, state, addresses, neighbours, anycast held. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Shows every machine of the lab.")
final class StatusCommand implements Callable<Integer> {
    enum Format { table, json }

    @Mixin
    LabCommands.LabOptions lab = new LabCommands.LabOptions();

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    Format output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        PrintWriter out = spec.commandLine().getOut();
        Lab l = lab.attach(out);
        if (output == Format.json) {
            out.println(LabCommands.JSON.writeValueAsString(l.status()));
        } else {
            table(out, l.status(), l.joinTimes());
            EnrolmentCommands.waiting(l.enrolment()).forEach(out::println);
        }
        return 0;
    }

    static void table(PrintWriter out, List<MachineView> machines, Map<String, Double> joinTimes) {
        out.printf("%-12s %-11s %-18s %-30s %-6s %-16s %-14s %s%n", "MACHINE", "STATE", "IDENTITY", "HOST", "JOINED", "ETCD",
                "ANYCAST", "NEIGHBOURS");
        for (MachineView m : machines) {
            Double t = joinTimes.get(m.name());
            out.printf("%-12s %-11s %-18s %-30s %-6s %-16s %-14s %s%n", m.name(), m.state(), m.identity(), m.host(),
                    t == null || t < 0 ? "-" : String.format("%.1fs", t), etcd(m),
                    anycast(m),
                    m.ports().stream().map(p -> p.index() + "->" + p.neighbour()).collect(Collectors.joining(" ")));
        }
        List<String> failures = failures(machines);
        if (!failures.isEmpty()) {
            out.println("failed components:");
            failures.forEach(f -> out.println("  " + f));
        }
        List<MachineView> members = machines.stream().filter(m -> m.etcd() != null).toList();
        if (!members.isEmpty()) {
            out.printf("etcd members: %s; the etcd anycast address is held by: %s%n",
                    members.stream().map(m -> m.name() + " (" + m.etcd().role() + (m.etcd().leader() ? ", leader" : "")
                            + (m.etcd().healthy() ? "" : ", unhealthy") + ")").collect(Collectors.joining(", ")),
                    machines.stream().filter(m -> m.anycast().contains("etcd")).map(MachineView::name)
                            .collect(Collectors.collectingAndThen(Collectors.joining(", "), s -> s.isEmpty() ? "nobody" : s)));
        }
    }

    /**
     * voter*, learner, starting; a star marks the leader, a ! an unhealthy member. Without a
     * member, the etcd component's state ({@code off} when the cluster file asks for none here,
     * {@code failed}, {@code starting}), and {@code -} only when no agent answers.
     */
    private static String etcd(MachineView m) {
        NodeStatus.Etcd e = m.etcd();
        if (e == null) {
            return m.component("etcd").map(ComponentStatus::state).orElse("-");
        }
        return e.role() + (e.leader() ? "*" : "") + (e.healthy() ? "" : "!");
    }

    /** The anycast services held; else {@code failed} when one of them failed, {@code none} when the agent answers, {@code -}. */
    private static String anycast(MachineView m) {
        if (!m.anycast().isEmpty()) {
            return String.join(",", m.anycast());
        }
        if (m.components().stream().anyMatch(c -> c.name().startsWith("anycast/") && c.failed())) {
            return "failed";
        }
        return m.components().isEmpty() ? "-" : "none";
    }

    /** One line per failed component: machine, component, its last error. */
    /**
     * The components still starting, one line each ({@code "kubermesh4: ipv4 still starting after
     * 60 s: waiting for etcd"}): what {@code up} counts as failures once its settle time is over.
     */
    static List<String> stillStarting(List<MachineView> machines, java.time.Duration after) {
        List<String> out = new java.util.ArrayList<>();
        for (MachineView m : machines) {
            for (ComponentStatus c : m.components()) {
                if (ComponentStatus.STARTING.equals(c.state())) {
                    out.add(m.name() + ": " + c.name() + " still starting after " + after.toSeconds() + " s"
                            + (c.detail() == null || c.detail().isBlank() ? "" : ": " + c.detail()));
                }
            }
        }
        return out;
    }

    /** What makes {@code up} exit 1 once its settle time {@code after} is over: failed components, then those still starting. */
    static List<String> upFailures(List<MachineView> machines, java.time.Duration after) {
        List<String> out = new java.util.ArrayList<>(failures(machines));
        out.addAll(stillStarting(machines, after));
        return out;
    }

    static List<String> failures(List<MachineView> machines) {
        List<String> out = new java.util.ArrayList<>();
        for (MachineView m : machines) {
            for (ComponentStatus c : m.failed()) {
                out.add(m.name() + ": " + c.name() + " failed: " + (c.error() == null ? "(no error line)" : c.error()));
            }
        }
        return out;
    }
}
