package io.kubermesh.lab;

import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The order machines power on in: breadth first from the gateway (or the first machine), one
 * neighbour ring at a time, so each machine netboots from a neighbour that has already joined;
 * machines of one ring power on together. Machines not connected to the first come last, one ring
 * of their own.
 */
final class BootOrder {
    private BootOrder() {
    }

    /** Every machine, ring by ring. */
    static List<String> of(Topology t) {
        return layers(t).stream().flatMap(List::stream).toList();
    }

    /** The rings: the first machine; its neighbours; theirs not seen yet; ...; then the unconnected ones. */
    static List<List<String>> layers(Topology t) {
        Set<String> seen = new LinkedHashSet<>();
        List<List<String>> out = new ArrayList<>();
        String first = t.machine(Topology.GATEWAY).map(Topology.Machine::name).orElse(t.machines().get(0).name());
        List<String> ring = List.of(first);
        seen.add(first);
        while (!ring.isEmpty()) {
            out.add(ring);
            List<String> next = new ArrayList<>();
            for (String m : ring) {
                for (Cable c : t.cablesOf(m)) {
                    String n = c.other(m).machine();
                    if (seen.add(n)) {
                        next.add(n);
                    }
                }
            }
            ring = next;
        }
        List<String> rest = t.machines().stream().map(Topology.Machine::name).filter(seen::add).toList();
        if (!rest.isEmpty()) {
            out.add(rest);
        }
        return out;
    }
}
