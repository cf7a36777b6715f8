package io.kubermesh.benchmarks.routing;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.Topology;
import io.kubermesh.routing.Route;
import io.kubermesh.routing.model.RouteModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The route model (issue 4): every route of every machine of a 1,000-machine mesh, and every
 * route of one machine of a 10,000-machine mesh, on a grid and on a random mesh (each machine at
 * most 8 cables, about 3 on average), with five anycast services held by 3 machines each.
 * Also the what-if: one cable cut, then one machine's routes again.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RouteModelBenchmark {
    @Param({"grid", "random"})
    public String shape;

    private RouteModel thousand;
    private TextbookRoutes thousandPeer;
    private TextbookRoutes tenThousandPeer;
    private int sourceIndex;
    private RouteModel tenThousand;
    private Topology tenThousandTopology;
    private String source;
    private int cable;

    @Setup
    public void setUp() {
        thousand = model(shape.equals("grid") ? Topology.grid(25, 40) : random(1000, 42));
        tenThousandTopology = shape.equals("grid") ? Topology.grid(100, 100) : random(10_000, 43);
        tenThousand = model(tenThousandTopology);
        sourceIndex = 4321;
        source = Topology.machineName(sourceIndex);
        thousandPeer = new TextbookRoutes(thousand.topology(), blocks(thousand.topology()));
        tenThousandPeer = new TextbookRoutes(tenThousandTopology, blocks(tenThousandTopology));
        // Both sides must compute the same thing, or the comparison means nothing.
        Ipv6Prefix anycastPrefix = Ipv6Prefix.parse("fd65:7b9c:569:680::/64");
        Set<Route> ours = new HashSet<>(tenThousand.routes(source));
        ours.removeIf(r -> anycastPrefix.contains(r.destination()));
        if (!ours.equals(new HashSet<>(tenThousandPeer.routes(sourceIndex)))) {
            throw new IllegalStateException("RouteModel and the textbook peer disagree on " + source);
        }
    }

    static Topology random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] degree = new int[n];
        List<int[]> pairs = new ArrayList<>();
        // a random spanning tree keeps it connected, then extra cables up to ~1.5 per machine
        for (int i = 1; i < n; i++) {
            int j = r.nextInt(i);
            while (degree[j] >= 8) {
                j = r.nextInt(i);
            }
            pairs.add(new int[] {i, j});
            degree[i]++;
            degree[j]++;
        }
        for (int k = 0; k < n / 2; k++) {
            int a = r.nextInt(n);
            int b = r.nextInt(n);
            if (a != b && degree[a] < 8 && degree[b] < 8) {
                pairs.add(new int[] {a, b});
                degree[a]++;
                degree[b]++;
            }
        }
        return Topology.fromPairs(n, pairs.toArray(new int[0][]));
    }

    /** Blocks as the seed plan lays them out, and five anycast services held by three machines each. */
    static RouteModel model(Topology t) {
        return withAnycast(t, blocks(t));
    }

    /** Blocks laid out as the seed plan does (/119 per machine, pods in the upper half). */
    static Map<String, NodeBlock> blocks(Topology t) {
        Map<String, NodeBlock> blocks = new HashMap<>();
        Ipv6Address base = Ipv6Address.parse("2001:db8::");
        for (int i = 0; i < t.machines().size(); i++) {
            Ipv6Address b = base.plus(512L * i);
            blocks.put(t.machines().get(i).name(), new NodeBlock(new MacAddress(i + 1), new Ipv6Prefix(b, 119), b,
                    new Ipv6Prefix(b, 123), new Ipv6Prefix(b.plus(0x20), 123), List.of(), new Ipv6Prefix(b.plus(0x100), 120)));
        }
        return blocks;
    }

    private static RouteModel withAnycast(Topology t, Map<String, NodeBlock> blocks) {
        Map<Ipv6Address, Set<String>> anycast = new HashMap<>();
        int n = t.machines().size();
        for (int s = 0; s < 5; s++) {
            anycast.put(Ipv6Address.parse("fd65:7b9c:569:680::").plus(s + 1), Set.of(Topology.machineName(s * 7 % n),
                    Topology.machineName((s * 7 + n / 3) % n), Topology.machineName((s * 7 + 2 * n / 3) % n)));
        }
        return new RouteModel(t, blocks, anycast, Map.of());
    }

    @Benchmark
    public List<List<Route>> peerAllPairs1000() {
        List<List<Route>> out = new ArrayList<>();
        for (int s = 0; s < 1000; s++) {
            out.add(thousandPeer.routes(s));
        }
        return out;
    }

    @Benchmark
    public List<Route> peerSingleSource10000() {
        return tenThousandPeer.routes(sourceIndex);
    }

    @Benchmark
    public Map<String, List<Route>> allPairs1000() {
        return thousand.allRoutes();
    }

    @Benchmark
    public List<Route> singleSource10000() {
        return tenThousand.routes(source);
    }

    @Benchmark
    public List<Route> whatIfCutThenSingleSource10000() {
        Topology.Cable c = tenThousandTopology.cables().get(cable++ % tenThousandTopology.cables().size());
        return tenThousand.withoutCable(c).routes(source);
    }
}
