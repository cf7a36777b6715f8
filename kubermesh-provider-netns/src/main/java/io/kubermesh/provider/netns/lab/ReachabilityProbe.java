package io.kubermesh.provider.netns.lab;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Who reaches whom in the lab: one ICMPv6 echo ({@code ping -6}, 1 s timeout) from inside each
 * machine's namespace to another machine's host address, for every ordered pair, several at once.
 */
public final class ReachabilityProbe {
    /** A machine as the probe sees it: where to ping from, and the address others ping. */
    public record Target(String name, String netns, String host) {
    }

    private static final int PARALLEL = 8;

    private ReachabilityProbe() {
    }

    /** True when every pair of the matrix reaches each other. */
    public static boolean complete(Map<String, Map<String, Boolean>> matrix) {
        return matrix.values().stream().allMatch(row -> row.values().stream().allMatch(Boolean::booleanValue));
    }

    /** The matrix (row: from, column: to, both sorted by name) of one echo per ordered pair. */
    public static Map<String, Map<String, Boolean>> matrix(List<Target> machines) {
        Map<String, Map<String, Boolean>> out = new TreeMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            Map<String, Map<String, Future<Boolean>>> pending = new TreeMap<>();
            for (Target from : machines) {
                out.put(from.name(), new TreeMap<>());
                for (Target to : machines) {
                    if (!from.name().equals(to.name())) {
                        pending.computeIfAbsent(from.name(), k -> new TreeMap<>()).put(to.name(),
                                pool.submit(() -> ping(from.netns(), to.host())));
                    }
                }
            }
            for (var row : pending.entrySet()) {
                for (var cell : row.getValue().entrySet()) {
                    out.get(row.getKey()).put(cell.getKey(), cell.getValue().get());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubermeshException("interrupted", e);
        } catch (ExecutionException e) {
            throw new KubermeshException("reachability check failed: " + e.getCause(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return out;
    }

    /**
     * The matrix, asked again every half second for up to {@code settleSeconds} while a pair
     * fails; the machines are asked for each round (they may change meanwhile).
     */
    public static Map<String, Map<String, Boolean>> settle(Supplier<List<Target>> machines, int settleSeconds) {
        long deadline = System.nanoTime() + settleSeconds * 1_000_000_000L;
        while (true) {
            Map<String, Map<String, Boolean>> m = matrix(machines.get());
            if (complete(m) || System.nanoTime() >= deadline) {
                return m;
            }
            Waiting.sleep(500);
        }
    }

    /** One echo from inside {@code netns} to {@code address}, answered within a second. */
    public static boolean ping(String netns, String address) {
        try {
            Process p = HostRequirements.NSENTER.wrapping(List.of("--net=" + NetworkNamespaces.path(netns), "--"),
                            HostRequirements.PING.args("-6", "-n", "-q", "-c", "1", "-W", "1", address)).processBuilder()
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            throw new EnvironmentException("cannot run ping: " + e.getMessage(), "apt-get install -y iputils-ping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
