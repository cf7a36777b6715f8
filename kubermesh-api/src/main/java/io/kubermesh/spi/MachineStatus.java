package io.kubermesh.spi;

import io.kubermesh.api.MacAddress;
import java.util.List;

/**
 * What a substrate knows of one machine.
 *
 * @param name the machine
 * @param powered whether it is on
 * @param nics its NICs, port i is NIC i
 * @param netboot whether it boots from the network (a blank machine) rather than being deployed directly
 */
public record MachineStatus(String name, boolean powered, List<MacAddress> nics, boolean netboot) {
    public MachineStatus {
        nics = List.copyOf(nics);
    }
}
