package io.kubermesh.routing.model;

import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A topology as arrays: machines numbered in topology order, each with its adjacencies (one per
 * cable: own port, neighbour, neighbour's port) in port order. Cables and machines left out of
 * a what-if are simply absent. Immutable.
 */
final class MeshGraph {
    final Topology topology;
    final String[] names;
    final Map<String, Integer> index;
    final boolean[] present;
    /** For machine i: adjacency k goes out of port ownPort[i][k] to machine neighbour[i][k], port neighbourPort[i][k]. */
    final int[][] ownPort;
    final int[][] neighbour;
    final int[][] neighbourPort;
    /** Interface name of each adjacency's own port ({@code clusterI}), made once so its hash is cached. */
    final String[][] interfaceName;

    MeshGraph(Topology topology, Set<Cable> cut, Set<String> lost) {
        this.topology = topology;
        int n = topology.machines().size();
        names = new String[n];
        index = new HashMap<>(n * 2);
        present = new boolean[n];
        for (int i = 0; i < n; i++) {
            names[i] = topology.machines().get(i).name();
            index.put(names[i], i);
            present[i] = !lost.contains(names[i]);
        }
        List<List<int[]>> adj = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            adj.add(new ArrayList<>(4));
        }
        for (Cable c : topology.cables()) {
            if (cut.contains(c)) {
                continue;
            }
            int a = index.get(c.a().machine());
            int b = index.get(c.b().machine());
            if (!present[a] || !present[b]) {
                continue;
            }
            adj.get(a).add(new int[] {c.a().port(), b, c.b().port()});
            adj.get(b).add(new int[] {c.b().port(), a, c.a().port()});
        }
        ownPort = new int[n][];
        neighbour = new int[n][];
        neighbourPort = new int[n][];
        interfaceName = new String[n][];
        String[] names = new String[65];
        for (int i = 0; i < names.length; i++) {
            names[i] = io.kubermesh.api.PortPrefix.interfaceName(i);
        }
        for (int i = 0; i < n; i++) {
            List<int[]> l = adj.get(i);
            l.sort((x, y) -> Integer.compare(x[0], y[0]));
            ownPort[i] = l.stream().mapToInt(x -> x[0]).toArray();
            neighbour[i] = l.stream().mapToInt(x -> x[1]).toArray();
            neighbourPort[i] = l.stream().mapToInt(x -> x[2]).toArray();
            interfaceName[i] = l.stream().map(x -> x[0] < names.length ? names[x[0]]
                    : io.kubermesh.api.PortPrefix.interfaceName(x[0])).toArray(String[]::new);
        }
    }

    int size() {
        return names.length;
    }

    int indexOf(String machine) {
        Integer i = index.get(machine);
        if (i == null) {
            throw new IllegalArgumentException("no machine " + machine + " in the topology");
        }
        return i;
    }

    PortRef neighbourEnd(int machine, int k) {
        return new PortRef(names[neighbour[machine][k]], neighbourPort[machine][k]);
    }

    /**
     * Breadth-first search from {@code source} (unit cost per cable). {@code distance[v]} is -1 when
     * unreachable; bit k of {@code firstHops[v]} is set when adjacency k of the source lies on a
     * shortest path to v: the ECMP set. A machine has at most 64 ports, so a long holds the set.
     */
    SingleSource from(int source) {
        int n = size();
        int[] dist = new int[n];
        long[] first = new long[n];
        Arrays.fill(dist, -1);
        if (!present[source]) {
            return new SingleSource(source, dist, first);
        }
        int[] queue = new int[n];
        int head = 0;
        int tail = 0;
        dist[source] = 0;
        queue[tail++] = source;
        while (head < tail) {
            int u = queue[head++];
            int du = dist[u];
            int[] nb = neighbour[u];
            for (int k = 0; k < nb.length; k++) {
                int v = nb[k];
                if (dist[v] < 0) {
                    dist[v] = du + 1;
                    queue[tail++] = v;
                }
                if (dist[v] == du + 1) {
                    // Predecessors of v all have distance du and leave the queue before v: first[u] is final.
                    first[v] |= u == source ? 1L << k : first[u];
                }
            }
        }
        return new SingleSource(source, dist, first);
    }

    /** The result of {@link #from}. */
    record SingleSource(int source, int[] distance, long[] firstHops) {
    }
}
