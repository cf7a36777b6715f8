package io.kubermesh.addressing.site;

import io.kubermesh.api.MacAddress;
import io.kubermesh.spi.PowerTarget;
import java.util.List;
import java.util.Optional;

/**
 * A machine of the site inventory.
 *
 * @param name unique in the site; the node name the cluster will know it by
 * @param nics its NIC MACs in port order: port i is NIC i
 * @param power how its power is reached, or empty for a machine without one (the first machine,
 *              which an operator starts by hand from the USB drive)
 */
public record SiteMachine(String name, List<MacAddress> nics, Optional<PowerTarget> power) {
    public SiteMachine {
        nics = List.copyOf(nics);
        power = power == null ? Optional.empty() : power;
    }
}
