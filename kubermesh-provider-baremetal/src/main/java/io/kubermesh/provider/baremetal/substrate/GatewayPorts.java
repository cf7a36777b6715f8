package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.api.ConfigurationException;
import java.util.Locale;

/** What the gateway's ports {@code clusterI} are: option {@value BaremetalSubstrateProvider#PORTS}. */
enum GatewayPorts {
    /** This host's NICs with the inventory's MACs, moved into the gateway's namespace and given back by {@code down}. */
    HOST,
    /** A tap per inventory NIC, with its MAC, for a VM standing for a machine to plug into. */
    TAP;

    /** {@code host} or {@code tap}; anything else is a configuration error naming the option. */
    static GatewayPorts of(String value) {
        for (GatewayPorts p : values()) {
            if (p.option().equals(value)) {
                return p;
            }
        }
        throw new ConfigurationException(BaremetalSubstrateProvider.PORTS, value,
                "host (this host's NICs with the gateway's MACs) or tap (a tap per NIC, for VMs)");
    }

    String option() {
        return name().toLowerCase(Locale.ROOT);
    }
}
