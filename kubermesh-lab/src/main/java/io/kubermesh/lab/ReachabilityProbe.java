package io.kubermesh.lab;

import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.KubermeshException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Who reaches whom in the lab: each machine's agent sends ICMPv6 echoes (every 0.1 s until answered, for 1 s) from its
 * node to every other machine's host address, all at once; the machines are asked in parallel.
 * A machine whose agent does not answer reaches nobody.
 */
public final class ReachabilityProbe {
    /** A machine as the probe sees it: its name (whose agent sends) and the address others probe. */
    public record Target(String name, String host) {
    }

    private static final int PARALLEL = 8;

    private ReachabilityProbe() {
    }

    /** True when every pair of the matrix reaches each other. */
    public static boolean complete(Map<String, Map<String, Boolean>> matrix) {
        return matrix.values().stream().allMatch(row -> row.values().stream().allMatch(Boolean::booleanValue));
    }

    /** The matrix (row: from, column: to, both sorted by name) of one probe per ordered pair. */
    static Map<String, Map<String, Boolean>> matrix(List<Target> machines, MachineAgents agents) {
        Map<String, Map<String, Boolean>> out = new TreeMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
        try {
            Map<String, Future<Map<String, Boolean>>> rows = new TreeMap<>();
            for (Target from : machines) {
                List<Target> others = machines.stream().filter(t -> !t.name().equals(from.name())).toList();
                rows.put(from.name(), pool.submit(() -> row(from, others, agents)));
            }
            for (var row : rows.entrySet()) {
                out.put(row.getKey(), row.getValue().get());
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

    private static Map<String, Boolean> row(Target from, List<Target> others, MachineAgents agents) {
        Map<String, Boolean> row = new TreeMap<>();
        others.forEach(t -> row.put(t.name(), false));
        if (others.isEmpty()) {
            return row;
        }
        List<ControlAnswers.Probe> answers;
        try {
            answers = agents.ask(from.name(), c -> c.probe(others.stream().map(Target::host).toList())).probes();
        } catch (io.kubermesh.api.NotApplicableException e) {
            throw e;
        } catch (KubermeshException e) {
            return row;
        }
        for (int i = 0; i < others.size() && i < answers.size(); i++) {
            row.put(others.get(i).name(), answers.get(i).reachable());
        }
        return row;
    }

    /**
     * The matrix, asked again every half second for up to {@code settleSeconds} while a pair
     * fails; the machines are asked for each round (they may change meanwhile).
     */
    static Map<String, Map<String, Boolean>> settle(Supplier<List<Target>> machines, MachineAgents agents, int settleSeconds) {
        long deadline = System.nanoTime() + settleSeconds * 1_000_000_000L;
        while (true) {
            Map<String, Map<String, Boolean>> m = matrix(machines.get(), agents);
            if (complete(m) || System.nanoTime() >= deadline) {
                return m;
            }
            Waiting.sleep(500);
        }
    }
}
