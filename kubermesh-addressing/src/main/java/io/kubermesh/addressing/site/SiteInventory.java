package io.kubermesh.addressing.site;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Topology;
import io.kubermesh.spi.PowerTarget;
import java.util.List;
import java.util.Optional;

/**
 * The site inventory ({@code site.yaml}): the real machines of a bare-metal site, how their power
 * is reached, and the cables an operator laid between them. Read by {@link SiteConfig}; the
 * {@code kubermesh power} command and the baremetal substrate use it.
 *
 * @param name the site's name
 * @param machines in the order they are listed (the boot order, neighbour ring by ring)
 * @param cables the cables as laid, which the baremetal substrate compares with those it sees
 */
public record SiteInventory(String name, List<SiteMachine> machines, List<Topology.Cable> cables) {
    public SiteInventory {
        machines = List.copyOf(machines);
        cables = List.copyOf(cables);
    }

    public Optional<SiteMachine> machine(String machine) {
        return machines.stream().filter(m -> m.name().equals(machine)).findFirst();
    }

    /**
     * The power target of {@code machine}; a machine not in the inventory, or one without a BMC,
     * is a {@link ConfigurationException} at {@code path} that says which machines have one.
     */
    public PowerTarget powerTarget(String path, String machine) {
        List<String> powered = machines.stream().filter(m -> m.power().isPresent()).map(SiteMachine::name).toList();
        SiteMachine m = machine(machine).orElseThrow(() -> new ConfigurationException(path, machine,
                "a machine of site " + name + ": " + machines.stream().map(SiteMachine::name).toList()));
        return m.power().orElseThrow(() -> new ConfigurationException(path, machine,
                "a machine with a bmc in site " + name + " (" + (powered.isEmpty() ? "none has one" : powered) + ")"));
    }

    /** The machines (ports = NICs) and the expected cables as a topology. */
    public Topology topology() {
        return new Topology(machines.stream().map(m -> new Topology.Machine(m.name(), m.nics().size())).toList(), cables);
    }
}
