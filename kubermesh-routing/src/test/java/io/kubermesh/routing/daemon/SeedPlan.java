package io.kubermesh.routing.daemon;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import java.util.ArrayList;
import java.util.List;

/**
 * The seed address plan (ARCHITECTURE.md, "The address plan"): cluster prefix 2001:db8::/71,
 * node block {@code P | mac << 9} (/119), host at +0x00 (/123 region), port i at
 * {@code +0x20 + 4i} (/126), pods the upper half (/120).
 *
 * <p>Why not {@code new AddressPlan(ClusterConfig.seed())}: on this branch {@code BootSpec}
 * initialises its {@code DEFAULT} before its {@code FILE} pattern, so loading any ClusterSpec
 * throws ExceptionInInitializerError (fixed on main in 512ce5c). Replace this with AddressPlan
 * once the branches merge.
 */
final class SeedPlan {
    static final Ipv6Prefix CLUSTER = Ipv6Prefix.parse("2001:db8::/71");
    static final int PORTS = 8;

    private SeedPlan() {
    }

    static NodeBlock node(MacAddress mac) {
        Ipv6Address base = new Ipv6Address(CLUSTER.network().high(), CLUSTER.network().low() | (mac.value() << 9));
        Ipv6Prefix block = new Ipv6Prefix(base, 119);
        List<PortPrefix> ports = new ArrayList<>();
        for (int i = 0; i < PORTS; i++) {
            Ipv6Address port = base.plus(0x20 + 4L * i);
            ports.add(new PortPrefix(i, PortPrefix.interfaceName(i), new Ipv6Prefix(port, 126), port,
                    List.of(port.plus(1), port.plus(2), port.plus(3))));
        }
        return new NodeBlock(mac, block, base, new Ipv6Prefix(base, 123), new Ipv6Prefix(base.plus(0x20), 123), ports,
                new Ipv6Prefix(base.plus(0x100), 120));
    }
}
