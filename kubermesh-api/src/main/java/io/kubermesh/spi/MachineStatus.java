package io.kubermesh.spi;

import io.kubermesh.api.MacAddress;
import java.util.List;

/**
 * What a substrate knows of one machine.
 *
 * @param name the machine
 * @param powered whether it is on
 * @param nics its NICs, port i is NIC i
 */
public record MachineStatus(String name, boolean powered, List<MacAddress> nics) {
    public MachineStatus {
        nics = List.copyOf(nics);
    }
}
