package io.kubermesh.lab;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.spi.MachineStatus;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Where a new blank machine's cables go, worked out before anything changes. A port given
 * without a number is the machine's lowest free one. A port still cabled to a machine that is
 * powered off is taken over (its cable is to be cut): that is how a dead machine is replaced; a
 * port cabled to a running machine is refused. A dead machine left with no cable afterwards is
 * gone.
 *
 * @param targets the far end of the new machine's port 0, 1, ... in order
 * @param cablesToCut cables of dead machines that the new machine takes over
 * @param gone dead machines that have no cable left once those are cut
 */
record PlugPlan(List<PortRef> targets, List<Cable> cablesToCut, Set<String> gone) {
    PlugPlan {
        targets = List.copyOf(targets);
        cablesToCut = List.copyOf(cablesToCut);
        gone = Set.copyOf(gone);
    }

    static PlugPlan of(Topology topology, List<MachineStatus> machines, List<PortRef> to, int ports) {
        if (to.isEmpty()) {
            throw new SubstrateException("plug needs at least one --to NODE[:PORT]");
        }
        List<PortRef> targets = new ArrayList<>();
        List<Cable> cut = new ArrayList<>();
        Set<String> replaced = new LinkedHashSet<>();
        for (PortRef target : to) {
            MachineStatus m = machines.stream().filter(x -> x.name().equals(target.machine())).findFirst()
                    .orElseThrow(() -> new SubstrateException("there is no machine " + target.machine() + " to plug into"));
            PortRef there = target.port() >= 0 ? target : new PortRef(m.name(), freePort(topology, m.name(), targets, ports));
            if (targets.contains(there)) {
                throw new SubstrateException("port " + there + " is named twice");
            }
            Optional<Cable> existing = topology.cablesOf(there.machine()).stream()
                    .filter(c -> c.a().equals(there) || c.b().equals(there)).findFirst();
            if (existing.isPresent()) {
                PortRef far = existing.get().a().equals(there) ? existing.get().b() : existing.get().a();
                boolean farOff = machines.stream().anyMatch(x -> x.name().equals(far.machine()) && !x.powered());
                if (!farOff) {
                    throw new SubstrateException("port " + there + " is cabled to " + far + ", which is running; cut it first");
                }
                cut.add(existing.get());
                replaced.add(far.machine());
            }
            targets.add(there);
        }
        Set<String> gone = new LinkedHashSet<>();
        for (String dead : replaced) {
            if (cut.containsAll(topology.cablesOf(dead))) {
                gone.add(dead);
            }
        }
        return new PlugPlan(targets, cut, gone);
    }

    private static int freePort(Topology t, String machine, List<PortRef> taken, int ports) {
        Set<Integer> used = new HashSet<>();
        t.cablesOf(machine).forEach(c -> used.add(c.a().machine().equals(machine) ? c.a().port() : c.b().port()));
        taken.stream().filter(p -> p.machine().equals(machine)).forEach(p -> used.add(p.port()));
        for (int p = 0; p < ports; p++) {
            if (!used.contains(p)) {
                return p;
            }
        }
        throw new SubstrateException(machine + " has no free port (all " + ports + " are cabled)");
    }
}
