package io.kubermesh.routing.daemon;

import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.routing.Route;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Polls every node of a converged {@link MeshLab} every 200 ms on its own thread, from creation to
 * {@link #stop()}: each must keep every other node a Full neighbour and a route to every other
 * node's host /128 (the lab's mesh must be complete: every node cabled to every other). What it
 * sees otherwise is kept, at most 20 lines, with the time and the phase under way.
 */
final class AdjacencyWatch implements AutoCloseable {
    private final MeshLab lab;
    private final Map<String, Set<String>> neighbours = new LinkedHashMap<>();
    private final Map<String, Set<Ipv6Prefix>> hosts = new LinkedHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final Thread thread;
    private final long t0 = System.nanoTime();
    private volatile boolean running = true;
    private volatile int rounds;
    private volatile String phase = "before it started";

    AdjacencyWatch(MeshLab lab) {
        this.lab = lab;
        for (String m : lab.machines()) {
            neighbours.put(m, lab.machines().stream().filter(o -> !o.equals(m))
                    .map(o -> lab.daemon(o).config().routerIdText()).collect(Collectors.toSet()));
            hosts.put(m, lab.machines().stream().filter(o -> !o.equals(m))
                    .map(o -> new Ipv6Prefix(lab.block(o).host(), 128)).collect(Collectors.toSet()));
        }
        thread = new Thread(this::run, "adjacency-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        while (running) {
            for (String m : lab.machines()) {
                check(m);
            }
            rounds++;
            MeshLab.sleep(200);
        }
    }

    private void check(String m) {
        String when = (System.nanoTime() - t0) / 1_000_000 + " ms, " + phase + ": " + m;
        try {
            List<Neighbour> seen = lab.daemon(m).neighbours();
            Set<String> full = seen.stream().filter(Neighbour::full).map(Neighbour::routerId).collect(Collectors.toSet());
            if (!full.containsAll(neighbours.get(m))) {
                note(when + " has neighbours " + seen);
            }
            Set<Ipv6Prefix> routed = lab.daemon(m).installedRoutes().stream().map(Route::destination).collect(Collectors.toSet());
            Set<Ipv6Prefix> missing = hosts.get(m).stream().filter(h -> !routed.contains(h)).collect(Collectors.toSet());
            if (!missing.isEmpty()) {
                note(when + " has no route to " + missing);
            }
        } catch (RuntimeException e) {
            note(when + " cannot be read: " + e.getMessage());
        }
    }

    private void note(String violation) {
        if (violations.size() < 20) {
            violations.add(violation);
        }
    }

    /** What is under way now, for the violations seen from now on. */
    void phase(String now) {
        phase = now;
    }

    void stop() {
        running = false;
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int rounds() {
        return rounds;
    }

    List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public void close() {
        stop();
    }
}
