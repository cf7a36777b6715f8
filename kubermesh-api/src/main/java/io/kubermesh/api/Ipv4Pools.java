package io.kubermesh.api;

/** The IPv4 pools: one address per node from {@code nodePool}, one subnet per node from {@code podPool}. */
public record Ipv4Pools(Ipv4Prefix nodePool, Ipv4Prefix podPool, int podPrefixLength) {
    public static final Ipv4Pools DEFAULT = new Ipv4Pools(Ipv4Prefix.parse("172.30.2.0/24"),
            Ipv4Prefix.parse("172.31.0.0/16"), 24);

    public Ipv4Pools {
        if (nodePool == null || podPool == null) {
            throw new ConfigurationException("cluster.ipv4", null, "both nodePool and podPool");
        }
        if (nodePool.length() > 30) {
            throw new ConfigurationException("cluster.ipv4.nodePool", nodePool.toString(),
                    "a prefix of /30 or shorter (network and broadcast addresses are never handed out)");
        }
        if (podPrefixLength < podPool.length() || podPrefixLength > 30) {
            throw new ConfigurationException("cluster.ipv4.podPrefixLength", Integer.toString(podPrefixLength),
                    "between the pod pool's length /" + podPool.length() + " and /30");
        }
        if (nodePool.contains(podPool.network()) || podPool.contains(nodePool.network())) {
            throw new ConfigurationException("cluster.ipv4.podPool", podPool.toString(),
                    "a pool that does not overlap cluster.ipv4.nodePool " + nodePool);
        }
    }
}
