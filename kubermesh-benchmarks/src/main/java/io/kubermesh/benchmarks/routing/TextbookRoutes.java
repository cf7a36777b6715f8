package io.kubermesh.benchmarks.routing;

import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.Topology;
import io.kubermesh.routing.NextHop;
import io.kubermesh.routing.Route;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The peer for {@link RouteModelBenchmark}: the textbook way to get ECMP next hops, written
 * independently of RouteModel. A breadth-first search from the source and one from each of its
 * neighbours; a neighbour is a next hop towards t when it is one cable nearer to t. Machine routes
 * only (host /128 and pods), no anycast.
 */
final class TextbookRoutes {
    private final int[][] neighbour;
    private final int[][] port;
    private final Ipv6Prefix[] host;
    private final Ipv6Prefix[] pods;

    TextbookRoutes(Topology t, Map<String, NodeBlock> blocks) {
        int n = t.machines().size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) {
            index.put(t.machines().get(i).name(), i);
        }
        List<List<int[]>> adj = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            adj.add(new ArrayList<>());
        }
        for (Topology.Cable c : t.cables()) {
            int a = index.get(c.a().machine());
            int b = index.get(c.b().machine());
            adj.get(a).add(new int[] {b, c.a().port()});
            adj.get(b).add(new int[] {a, c.b().port()});
        }
        neighbour = new int[n][];
        port = new int[n][];
        host = new Ipv6Prefix[n];
        pods = new Ipv6Prefix[n];
        for (int i = 0; i < n; i++) {
            neighbour[i] = adj.get(i).stream().mapToInt(x -> x[0]).toArray();
            port[i] = adj.get(i).stream().mapToInt(x -> x[1]).toArray();
            NodeBlock b = blocks.get(t.machines().get(i).name());
            host[i] = new Ipv6Prefix(b.host(), 128);
            pods[i] = b.pods();
        }
    }

    private int[] bfs(int s) {
        int[] d = new int[neighbour.length];
        Arrays.fill(d, -1);
        ArrayDeque<Integer> q = new ArrayDeque<>();
        d[s] = 0;
        q.add(s);
        while (!q.isEmpty()) {
            int u = q.poll();
            for (int v : neighbour[u]) {
                if (d[v] < 0) {
                    d[v] = d[u] + 1;
                    q.add(v);
                }
            }
        }
        return d;
    }

    List<Route> routes(int s) {
        int[] ds = bfs(s);
        int[][] dn = new int[neighbour[s].length][];
        for (int k = 0; k < dn.length; k++) {
            dn[k] = bfs(neighbour[s][k]);
        }
        List<Route> out = new ArrayList<>();
        for (int t = 0; t < ds.length; t++) {
            if (t == s || ds[t] < 0) {
                continue;
            }
            List<NextHop> hops = new ArrayList<>();
            for (int k = 0; k < dn.length; k++) {
                if (dn[k][t] == ds[t] - 1) {
                    hops.add(new NextHop(PortPrefix.interfaceName(port[s][k]), null));
                }
            }
            out.add(new Route(host[t], hops));
            out.add(new Route(pods[t], hops));
        }
        return out;
    }
}
