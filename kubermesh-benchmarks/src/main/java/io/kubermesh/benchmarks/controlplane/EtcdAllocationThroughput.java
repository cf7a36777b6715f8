package io.kubermesh.benchmarks.controlplane;

import io.kubermesh.addressing.ipam.FileAllocationStore;
import io.kubermesh.addressing.ipam.Ipv4Allocator;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.controlplane.etcd.EtcdAllocationStore;
import io.kubermesh.controlplane.etcd.EtcdMember;
import io.kubermesh.spi.AllocationStore;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Whole-process benchmark: IPv4 allocations per second through the etcd store (a real etcd
 * started here on loopback, data under {@code target/}) and, in the same run, through the
 * crash-safe file store on the same disk, from 1 and from 8 clients. Each client has its own
 * store (its own etcd connection, its own file store instance) and loops: allocate for a fresh
 * identity, release it, so the pool's table stays at {@code TABLE} entries and every
 * allocation is one compare-and-set (plus retries under contention).
 *
 * <p>Run: {@code java -cp kubermesh-benchmarks/target/benchmarks.jar
 * io.kubermesh.benchmarks.controlplane.EtcdAllocationThroughput [seconds]}.
 */
public final class EtcdAllocationThroughput {
    private static final int TABLE = 50;
    private static final Ipv4Prefix RANGE = Ipv4Prefix.parse("10.0.0.0/16");

    private EtcdAllocationThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Duration run = Duration.ofSeconds(args.length > 0 ? Integer.parseInt(args[0]) : 10);
        Files.createDirectories(Path.of("target"));
        Path dir = Files.createTempDirectory(Path.of("target"), "km-etcd-bench");
        EtcdMember etcd = new EtcdMember(EtcdMember.Spec.single("bench", dir.resolve("etcd"), url(), url()))
                .startAndAwaitHealthy(Duration.ofSeconds(30));
        Map<String, Double> results = new LinkedHashMap<>();
        try {
            for (int clients : new int[] {1, 8}) {
                String pool = "bench-" + clients;
                results.put("etcd/" + clients, measure(clients, pool, run,
                        () -> EtcdAllocationStore.connect(List.of(etcd.clientUrl()), EtcdAllocationStore.DEFAULT_PREFIX)));
                Path files = dir.resolve("files");
                results.put("file/" + clients, measure(clients, pool, run, () -> new FileAllocationStore(files)));
            }
        } finally {
            etcd.stop();
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.printf(Locale.ROOT, "%-8s %14s %14s %10s%n", "clients", "etcd alloc/s", "file alloc/s", "etcd/file");
        for (int clients : new int[] {1, 8}) {
            double e = results.get("etcd/" + clients);
            double f = results.get("file/" + clients);
            System.out.printf(Locale.ROOT, "%-8d %14.1f %14.1f %10.2f%n", clients, e, f, e / f);
        }
    }

    private static double measure(int clients, String pool, Duration run, Supplier<AllocationStore> stores)
            throws Exception {
        try (AllocationStore seed = stores.get()) {
            Map<String, String> table = new HashMap<>();
            for (int i = 0; i < TABLE; i++) {
                table.put("resident-" + i, RANGE.address(i + 1) + "/32");
            }
            if (!seed.compareAndSet(pool, seed.read(pool).version(), table)) {
                throw new IllegalStateException("could not seed pool " + pool);
            }
        }
        ExecutorService threads = Executors.newFixedThreadPool(clients);
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Long>> counts = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            counts.add(threads.submit(() -> {
                try (AllocationStore store = stores.get()) {
                    Ipv4Allocator allocator = new Ipv4Allocator(store, pool, RANGE, 32);
                    allocator.lookup("warm-up");
                    ready.countDown();
                    go.await();
                    long n = 0;
                    while (!stop.get()) {
                        String id = "c" + client + "-" + n;
                        allocator.allocate(id);
                        allocator.release(id);
                        n++;
                    }
                    return n;
                }
            }));
        }
        ready.await();
        long start = System.nanoTime();
        go.countDown();
        Thread.sleep(run.toMillis());
        stop.set(true);
        long total = 0;
        for (Future<Long> f : counts) {
            total += f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        return total / seconds;
    }

    private static URI url() throws IOException {
        return LoopbackPorts.url();
    }
}
