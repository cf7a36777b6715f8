package io.kubermesh.lab;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The machines of a lab as {@code kubermesh status} shows them: the substrate's view (power,
 * cables, where a machine lives), the lab record's (state, gone machines) and what each running
 * agent answers (identity, anycast held, etcd, IPv4).
 */
final class LabStatus {
    private final Substrate substrate;
    private final MachineAgents agents;
    private final LabRecord record;
    private final AddressPlan plan;

    LabStatus(Substrate substrate, MachineAgents agents, LabRecord record, AddressPlan plan) {
        this.substrate = substrate;
        this.agents = agents;
        this.record = record;
        this.plan = plan;
    }

    /** What the agent of a powered machine answers, if it does. */
    Optional<NodeStatus> agent(MachineStatus m) {
        return m.powered() ? agents.status(m.name()) : Optional.empty();
    }

    /** The identity the agent reports; when it does not answer, the rule's choice: the lowest MAC (port 0's in the lab). */
    static MacAddress identity(MachineStatus m, Optional<NodeStatus> agent) {
        return agent.map(s -> MacAddress.parse(s.identity()))
                .orElseGet(() -> m.nics().stream().min(MacAddress::compareTo).orElseThrow());
    }

    /** The host address of a machine of the lab, or "-" when there is no such machine. */
    String host(String machine) {
        return substrate.machines().stream().filter(m -> m.name().equals(machine)).findFirst()
                .map(m -> plan.host(identity(m, agent(m))).toString()).orElse("-");
    }

    List<MachineView> machines() {
        Topology t = substrate.topology();
        List<MachineView> out = new ArrayList<>();
        List<MachineStatus> all = substrate.machines();
        // Asked together: an agent in a busy VM may take seconds to answer, and each one's wait is its own.
        java.util.Map<String, java.util.concurrent.CompletableFuture<Optional<NodeStatus>>> answers = new java.util.HashMap<>();
        for (MachineStatus m : all) {
            java.util.concurrent.CompletableFuture<Optional<NodeStatus>> f = new java.util.concurrent.CompletableFuture<>();
            Thread asker = new Thread(() -> {
                try {
                    f.complete(agent(m));
                } catch (RuntimeException e) {
                    f.completeExceptionally(e);
                }
            }, "status-" + m.name());
            asker.setDaemon(true);
            asker.start();
            answers.put(m.name(), f);
        }
        // Asked once for all: on bare metal each machine's placement carries the cabling check.
        java.util.Map<String, java.util.Map<String, String>> placements = substrate.placements(all.stream().map(MachineStatus::name).toList());
        for (MachineStatus m : all) {
            List<MachineView.PortView> ports = new ArrayList<>();
            for (Cable c : t.cablesOf(m.name())) {
                PortRef mine = c.a().machine().equals(m.name()) ? c.a() : c.b();
                ports.add(new MachineView.PortView(mine.port(), "cluster" + mine.port(), c.other(m.name()).toString()));
            }
            Optional<NodeStatus> s = answers.get(m.name()).join();
            LabRecord.MachineRecord r = record.machines.get(m.name());
            // A machine whose power could not be read (its BMC did not answer) is not shown as off.
            String state = !m.powered() ? (m.powerProblem().isPresent() ? "power-unknown" : "off")
                    : s.isEmpty() ? "unreachable" : r == null ? "running" : r.state;
            MacAddress id = identity(m, s);
            java.util.Map<String, String> placement = placements.getOrDefault(m.name(), java.util.Map.of());
            out.add(new MachineView(m.name(), state, id.toString(), plan.host(id).toString(), plan.block(id).toString(),
                    ports, s.map(NodeStatus::anycast).orElse(List.of()), placement.get("netns"),
                    s.map(NodeStatus::etcd).orElse(null), s.map(NodeStatus::ipv4).orElse(null),
                    s.map(NodeStatus::components).orElse(List.of()), placement));
        }
        record.machines.values().stream().filter(r -> "gone".equals(r.state)).forEach(r -> out.add(
                new MachineView(r.name, "gone", "-", "-", "-", List.of(), List.of(), null)));
        return out;
    }
}
