package io.kubermesh.benchmarks;

import io.kubermesh.addressing.ipam.FileAllocationStore;
import io.kubermesh.addressing.ipam.InMemoryAllocationStore;
import io.kubermesh.addressing.ipam.Ipv4Allocator;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.spi.AllocationStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * New IPv4 allocations per second: each operation allocates for a fresh identity and releases it
 * again, so the table stays at {@code tableSize} entries; the file store fsyncs twice per write
 * (the file and its directory), which is what bounds it. The in-memory store is the baseline.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class AllocationBenchmark {
    @Param({"file", "memory"})
    public String store;

    @Param({"0", "200"})
    public int tableSize;

    private Path dir;
    private Ipv4Allocator allocator;
    private long n;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        AllocationStore s;
        if (store.equals("file")) {
            // Under target/, on the same disk as the build: /tmp may be a RAM disk where fsync is free.
            Files.createDirectories(Path.of("target"));
            dir = Files.createTempDirectory(Path.of("target"), "km-alloc-bench");
            s = new FileAllocationStore(dir);
        } else {
            s = new InMemoryAllocationStore();
        }
        allocator = new Ipv4Allocator(s, "bench", Ipv4Prefix.parse("10.0.0.0/16"), 32);
        for (int i = 0; i < tableSize; i++) {
            allocator.allocate("fixed-" + i);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (dir != null) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @Benchmark
    public Ipv4Prefix allocateAndRelease() {
        String id = "node-" + n++;
        Ipv4Prefix p = allocator.allocate(id);
        allocator.release(id);
        return p;
    }
}
