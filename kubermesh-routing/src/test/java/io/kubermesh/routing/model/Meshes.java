package io.kubermesh.routing.model;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.Topology;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Test meshes. Machine i gets the /119 block {@code 2001:db8:: + i * 512}, host at its start and
 * pods in its upper half, as the seed plan lays them out. The blocks are built here rather than by
 * AddressPlan because, on this branch's base, loading ClusterSpec fails (BootSpec initialises
 * DEFAULT before its FILE pattern; fixed on main).
 */
final class Meshes {
    private static final Ipv6Address BASE = Ipv6Address.parse("2001:db8::");

    private Meshes() {
    }

    static NodeBlock block(int i) {
        Ipv6Address b = BASE.plus(512L * i);
        return new NodeBlock(new MacAddress(0x5254_0000_0000L + i + 1), new Ipv6Prefix(b, 119), b, new Ipv6Prefix(b, 123),
                new Ipv6Prefix(b.plus(0x20), 123), List.of(), new Ipv6Prefix(b.plus(0x100), 120));
    }

    static Map<String, NodeBlock> blocks(Topology t) {
        Map<String, NodeBlock> m = new LinkedHashMap<>();
        for (int i = 0; i < t.machines().size(); i++) {
            m.put(t.machines().get(i).name(), block(i));
        }
        return m;
    }

    static RouteModel model(Topology t) {
        return model(t, Map.of());
    }

    static RouteModel model(Topology t, Map<Ipv6Address, Set<String>> anycast) {
        return new RouteModel(t, blocks(t), anycast, Map.of());
    }

    /** The 6-node mesh: a ring of six with chords 1-4 and 2-5 (0-based: 0-3, 1-4). */
    static Topology ringWithChords() {
        return Topology.fromPairs(6, new int[][] {{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}, {5, 0}, {0, 3}, {1, 4}});
    }
}
