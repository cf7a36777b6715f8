package io.kubermesh.routing.model;

import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
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
        // Two passes over the cables: count each machine's adjacencies, then fill them in.
        List<Cable> cables = topology.cables();
        int[] degree = new int[n];
        int[] ends = new int[cables.size() * 2];
        for (int c = 0; c < cables.size(); c++) {
            Cable cable = cables.get(c);
            int a = index.get(cable.a().machine());
            int b = index.get(cable.b().machine());
            if (!present[a] || !present[b] || (!cut.isEmpty() && cut.contains(cable))) {
                ends[2 * c] = -1;
                continue;
            }
            ends[2 * c] = a;
            ends[2 * c + 1] = b;
            degree[a]++;
            degree[b]++;
        }
        ownPort = new int[n][];
        neighbour = new int[n][];
        neighbourPort = new int[n][];
        interfaceName = new String[n][];
        for (int i = 0; i < n; i++) {
            ownPort[i] = new int[degree[i]];
            neighbour[i] = new int[degree[i]];
            neighbourPort[i] = new int[degree[i]];
            interfaceName[i] = new String[degree[i]];
        }
        int[] fill = new int[n];
        for (int c = 0; c < cables.size(); c++) {
            if (ends[2 * c] < 0) {
                continue;
            }
            Cable cable = cables.get(c);
            add(ends[2 * c], fill, cable.a().port(), ends[2 * c + 1], cable.b().port());
            add(ends[2 * c + 1], fill, cable.b().port(), ends[2 * c], cable.a().port());
        }
        for (int i = 0; i < n; i++) {
            sortByPort(i);
        }
    }

    private static final String[] PORT_NAMES = new String[64];

    static {
        for (int i = 0; i < PORT_NAMES.length; i++) {
            PORT_NAMES[i] = PortPrefix.interfaceName(i);
        }
    }

    private void add(int m, int[] fill, int port, int other, int otherPort) {
        int k = fill[m]++;
        ownPort[m][k] = port;
        neighbour[m][k] = other;
        neighbourPort[m][k] = otherPort;
        interfaceName[m][k] = port < PORT_NAMES.length ? PORT_NAMES[port] : PortPrefix.interfaceName(port);
    }

    /** Insertion sort by own port: at most 64 adjacencies, usually already in order. */
    private void sortByPort(int m) {
        int[] p = ownPort[m];
        for (int i = 1; i < p.length; i++) {
            for (int j = i; j > 0 && p[j - 1] > p[j]; j--) {
                swap(p, j);
                swap(neighbour[m], j);
                swap(neighbourPort[m], j);
                String t = interfaceName[m][j];
                interfaceName[m][j] = interfaceName[m][j - 1];
                interfaceName[m][j - 1] = t;
            }
        }
    }

    private static void swap(int[] a, int j) {
        int t = a[j];
        a[j] = a[j - 1];
        a[j - 1] = t;
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
