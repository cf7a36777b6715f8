package io.kubermesh.benchmarks;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.AddressOwner;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
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
 * random MACs and addresses (issue 2 target: at least 5 million a second, both). The peer is the
 * same arithmetic done the usual way, with the IPAddress library's {@code IPv6Address} and
 * {@code BigInteger} ({@code peer*} methods), in the same run.
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

    private IPv6Address peerPrefix;
    private BigInteger peerPrefixValue;
    private IPv6Address[] peerAddresses;
    private int shift;

    @Setup
    public void setUpPeer() {
        peerPrefix = new IPAddressString("2001:db8::/71").getAddress().toIPv6();
        peerPrefixValue = peerPrefix.getValue();
        shift = 128 - 71 - 48;
        peerAddresses = new IPv6Address[N];
        for (int k = 0; k < N; k++) {
            peerAddresses[k] = new IPAddressString(addresses[k].toString()).getAddress().toIPv6();
        }
    }

    /** The block as a BigInteger OR and an IPAddress prefix block. */
    @Benchmark
    public IPv6Address peerNodeBlock() {
        BigInteger v = peerPrefixValue.or(BigInteger.valueOf(macs[i++ & (N - 1)].value()).shiftLeft(shift));
        return new IPv6Address(v, 119).toPrefixBlock();
    }

    /** Owner the usual way: prefix containment, then the MAC and the offset by BigInteger shifts. */
    @Benchmark
    public long peerOwner() {
        IPv6Address a = peerAddresses[i++ & (N - 1)];
        if (!peerPrefix.contains(a)) {
            return -1;
        }
        BigInteger v = a.getValue();
        long mac = v.shiftRight(shift).longValue() & MacAddress.MASK;
        long offset = v.longValue() & ((1L << shift) - 1);
        return mac ^ offset;
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
