package io.kubermesh.lab;

import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The order machines power on in: breadth first from the gateway (or the first machine), so each
 * netboots from a neighbour that has already joined; machines not connected to it come last.
 */
final class BootOrder {
    private BootOrder() {
    }

    static List<String> of(Topology t) {
        Set<String> seen = new LinkedHashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        String first = t.machine(Topology.GATEWAY).map(Topology.Machine::name).orElse(t.machines().get(0).name());
        queue.add(first);
        seen.add(first);
        while (!queue.isEmpty()) {
            String m = queue.poll();
            for (Cable c : t.cablesOf(m)) {
                String n = c.other(m).machine();
                if (seen.add(n)) {
                    queue.add(n);
                }
            }
        }
        t.machines().forEach(m -> seen.add(m.name()));
        return new ArrayList<>(seen);
    }
}
