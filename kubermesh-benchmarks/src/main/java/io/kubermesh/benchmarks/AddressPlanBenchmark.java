package io.kubermesh.benchmarks;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.AddressOwner;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The address plan on one core: node blocks and {@code owner} lookups per second over 4096
 * random MACs and addresses (issue 2 target: at least 5 million a second, both).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class AddressPlanBenchmark {
    private static final int N = 4096;
    private AddressPlan plan;
    private MacAddress[] macs;
    private Ipv6Address[] addresses;
    private int i;

    @Setup
    public void setUp() {
        plan = new AddressPlan(ClusterConfig.seed());
        SplittableRandom random = new SplittableRandom(42);
        macs = new MacAddress[N];
        addresses = new Ipv6Address[N];
        for (int k = 0; k < N; k++) {
            macs[k] = new MacAddress(random.nextLong() & MacAddress.MASK & ~(1L << 40));
            NodeBlock b = plan.node(macs[k]);
            addresses[k] = b.block().address(random.nextInt(1 << (128 - b.block().length())));
        }
    }

    @Benchmark
    public Ipv6Prefix nodeBlock() {
        return plan.block(macs[i++ & (N - 1)]);
    }

    @Benchmark
    public NodeBlock wholeNodePlan() {
        return plan.node(macs[i++ & (N - 1)]);
    }

    @Benchmark
    public Optional<AddressOwner> owner() {
        return plan.owner(addresses[i++ & (N - 1)]);
    }
}
