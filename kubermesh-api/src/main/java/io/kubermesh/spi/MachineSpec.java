package io.kubermesh.spi;

import io.kubermesh.api.MacAddress;
import java.util.List;

/**
 * A machine to add to a substrate.
 *
 * @param name unique within the substrate
 * @param nics one MAC per mesh port, port i is NIC i
 * @param netboot true for a blank machine that network-boots from a neighbour; false for one that
 *                is deployed directly (the gateway)
 */
public record MachineSpec(String name, List<MacAddress> nics, boolean netboot) {
    public MachineSpec {
        nics = List.copyOf(nics);
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a machine needs a name");
        }
        if (nics.isEmpty()) {
            throw new IllegalArgumentException("machine " + name + " needs at least one NIC");
        }
    }
}
