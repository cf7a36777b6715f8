package io.kubermesh.provider.netns.lab;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.agent.NodeStatus;
import io.kubermesh.agent.StatusEndpoint;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.netns.NetnsSubstrate;
import io.kubermesh.spi.MachineStatus;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The machines of a lab as {@code kubermesh status} shows them: the substrate's view (power,
 * cables), the lab record's (state, gone machines) and what each running agent answers on its
 * status socket (identity, anycast held).
 */
final class LabStatus {
    private final NetnsSubstrate substrate;
    private final LabRecord record;
    private final AddressPlan plan;
    private final Function<String, Path> stateDirectory;

    LabStatus(NetnsSubstrate substrate, LabRecord record, AddressPlan plan, Function<String, Path> stateDirectory) {
        this.substrate = substrate;
        this.record = record;
        this.plan = plan;
        this.stateDirectory = stateDirectory;
    }

    /** What the agent of a powered machine answers, if it does. */
    Optional<NodeStatus> agent(MachineStatus m) {
        if (!m.powered()) {
            return Optional.empty();
        }
        try {
            return Optional.of(StatusEndpoint.read(stateDirectory.apply(m.name())));
        } catch (KubermeshException e) {
            return Optional.empty();
        }
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
        for (MachineStatus m : substrate.machines()) {
            List<MachineView.PortView> ports = new ArrayList<>();
            for (Cable c : t.cablesOf(m.name())) {
                PortRef mine = c.a().machine().equals(m.name()) ? c.a() : c.b();
                ports.add(new MachineView.PortView(mine.port(), "cluster" + mine.port(), c.other(m.name()).toString()));
            }
            Optional<NodeStatus> s = agent(m);
            LabRecord.MachineRecord r = record.machines.get(m.name());
            String state = !m.powered() ? "off" : s.isEmpty() ? "unreachable" : r == null ? "running" : r.state;
            MacAddress id = identity(m, s);
            out.add(new MachineView(m.name(), state, id.toString(), plan.host(id).toString(), plan.block(id).toString(),
                    ports, s.map(NodeStatus::anycast).orElse(List.of()), substrate.namespace(m.name()),
                    s.map(NodeStatus::etcd).orElse(null), s.map(NodeStatus::ipv4).orElse(null)));
        }
        record.machines.values().stream().filter(r -> "gone".equals(r.state)).forEach(r -> out.add(
                new MachineView(r.name, "gone", "-", "-", "-", List.of(), List.of(), "-")));
        return out;
    }
}
