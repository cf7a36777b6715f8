package io.kubermesh.api;

import java.util.List;

/**
 * A node's block of the cluster prefix and its regions, as the address plan computes them.
 *
 * @param mac the identity MAC the block derives from
 * @param block the whole block ({@code /119} for a {@code /71} cluster prefix)
 * @param host the node's address everywhere (on the stub interface, the kubelet node IP)
 * @param hostRegion the host address and the node VIPs ({@code /123})
 * @param portRegion all port /126s
 * @param ports one /126 per mesh port
 * @param pods the upper half of the block
 */
public record NodeBlock(MacAddress mac, Ipv6Prefix block, Ipv6Address host, Ipv6Prefix hostRegion,
                        Ipv6Prefix portRegion, List<PortPrefix> ports, Ipv6Prefix pods) {
    public NodeBlock {
        ports = List.copyOf(ports);
    }

    /** Node VIP {@code n}, 1..31 ({@code host + n}); VIP 1 is the IPv4-overlay endpoint in the seed. */
    public Ipv6Address vip(int n) {
        if (n < 1 || n >= RegionLayout.HOST_REGION_SIZE) {
            throw new IllegalArgumentException("node VIPs are numbered 1.." + (RegionLayout.HOST_REGION_SIZE - 1) + ", got " + n);
        }
        return host.plus(n);
    }

    public PortPrefix port(int index) {
        if (index < 0 || index >= ports.size()) {
            throw new IllegalArgumentException("port " + index + " does not exist; this node has ports 0.." + (ports.size() - 1));
        }
        return ports.get(index);
    }
}
