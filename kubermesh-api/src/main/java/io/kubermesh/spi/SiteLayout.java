package io.kubermesh.spi;

import io.kubermesh.api.Topology;
import java.util.List;

/**
 * Machines and cables a person put there (a site inventory), which a substrate of real machines
 * gives instead of making its own: {@code up} adds exactly these machines with these NICs, deploys
 * the one with {@code netboot == false} (the gateway) and powers the others on from it outwards.
 *
 * @param machines in boot order, the gateway first
 * @param cables the cables as laid
 */
public record SiteLayout(List<MachineSpec> machines, List<Topology.Cable> cables) {
    public SiteLayout {
        machines = List.copyOf(machines);
        cables = List.copyOf(cables);
        if (machines.stream().filter(m -> !m.netboot()).count() != 1) {
            throw new IllegalArgumentException("a site has exactly one machine deployed from this host (netboot false), not "
                    + machines.stream().filter(m -> !m.netboot()).map(MachineSpec::name).toList());
        }
    }

    /** The machines (ports = NICs) and the cables as a topology. */
    public Topology topology() {
        return new Topology(machines.stream().map(m -> new Topology.Machine(m.name(), m.nics().size())).toList(), cables);
    }
}
