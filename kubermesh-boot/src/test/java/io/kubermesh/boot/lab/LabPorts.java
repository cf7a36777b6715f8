package io.kubermesh.boot.lab;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;

import java.util.List;

/**
 * The port /126s of a node in the seed plan (prefix 2001:db8::/71, ports at block + 0x20 + 4i),
 * computed here without a ClusterSpec: on this branch BootSpec's static initialiser fails (its
 * DEFAULT is built before its FILE pattern; fixed on main), so no ClusterSpec can be made.
 */
public final class LabPorts {
    private LabPorts() {
    }

    public static PortPrefix seedPort(MacAddress node, int index) {
        Ipv6Address prefix = Ipv6Address.parse("2001:db8::");
        // node block = P | (mac << (128 - 71 - 48)); the 57 bits fit in the low half
        Ipv6Address block = new Ipv6Address(prefix.high(), prefix.low() | (node.value() << 9));
        Ipv6Address port = block.plus(0x20 + 4L * index);
        return new PortPrefix(index, PortPrefix.interfaceName(index), new Ipv6Prefix(port, 126), port,
                List.of(port.plus(1), port.plus(2), port.plus(3)));
    }
}
