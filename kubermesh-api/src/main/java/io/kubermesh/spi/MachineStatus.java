package io.kubermesh.spi;

import io.kubermesh.api.MacAddress;
import java.util.List;
import java.util.Optional;

/**
 * What a substrate knows of one machine.
 *
 * @param name the machine
 * @param powered whether it is on
 * @param nics its NICs, port i is NIC i
 * @param netboot whether it boots from the network (a blank machine) rather than being deployed directly
 * @param powerProblem why {@code powered} is a guess, when the substrate could not read the power
 *        (a BMC that does not answer, Wake-on-LAN that cannot tell); empty when it is a reading
 */
public record MachineStatus(String name, boolean powered, List<MacAddress> nics, boolean netboot,
                            Optional<String> powerProblem) {
    public MachineStatus {
        nics = List.copyOf(nics);
        powerProblem = powerProblem == null ? Optional.empty() : powerProblem;
    }

    /** A machine whose power the substrate knows (its own processes, a BMC that answered). */
    public MachineStatus(String name, boolean powered, List<MacAddress> nics, boolean netboot) {
        this(name, powered, nics, netboot, Optional.empty());
    }
}
