package io.kubermesh.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Machines, their ports, and the cables between ports. A port carries at most one cable; a cable
 * joins two different machines. Pure value: substrates build it, the route model reads it.
 */
public record Topology(List<Machine> machines, List<Cable> cables) {
    /** The name of the first machine, which is deployed directly rather than network-booted. */
    public static final String GATEWAY = "gateway";
    /** Ports a generated machine has, as many as the default layout plans. */
    public static final int DEFAULT_PORTS = 8;

    /** A machine with {@code ports} mesh ports, numbered 0..ports-1. */
    public record Machine(String name, int ports) {
        public Machine {
            if (name == null || !name.matches("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?")) {
                throw new ConfigurationException("topology.machines.name", name,
                        "lower-case letters, digits and '-', at most 32");
            }
            if (ports < 1 || ports > RegionLayout.MAX_PORTS) {
                throw new ConfigurationException("topology.machines." + name + ".ports", Integer.toString(ports),
                        "1.." + RegionLayout.MAX_PORTS);
            }
        }
    }

    /** One end of a cable. */
    public record PortRef(String machine, int port) {
        @Override
        public String toString() {
            return machine + ":" + port;
        }
    }

    /** A cable between two ports of two different machines. */
    public record Cable(PortRef a, PortRef b) {
        public Cable {
            if (a.machine().equals(b.machine())) {
                throw new ConfigurationException("topology.cables", a + "-" + b, "a cable between two different machines");
            }
        }

        public boolean touches(String machine) {
            return a.machine().equals(machine) || b.machine().equals(machine);
        }

        /** The end at the other machine. */
        public PortRef other(String machine) {
            return a.machine().equals(machine) ? b : a;
        }

        @Override
        public String toString() {
            return a + "-" + b;
        }
    }

    public Topology {
        machines = List.copyOf(machines);
        cables = List.copyOf(cables);
        Map<String, Machine> byName = new HashMap<>();
        for (Machine m : machines) {
            if (byName.put(m.name(), m) != null) {
                throw new ConfigurationException("topology.machines", m.name(), "machine names that are unique");
            }
        }
        Set<PortRef> used = new HashSet<>();
        for (Cable c : cables) {
            for (PortRef end : List.of(c.a(), c.b())) {
                Machine m = byName.get(end.machine());
                if (m == null) {
                    throw new ConfigurationException("topology.cables", c.toString(), "cables between known machines; "
                            + end.machine() + " is not one");
                }
                if (end.port() < 0 || end.port() >= m.ports()) {
                    throw new ConfigurationException("topology.cables", c.toString(), "ports 0.." + (m.ports() - 1)
                            + " of " + m.name());
                }
                if (!used.add(end)) {
                    throw new ConfigurationException("topology.cables", c.toString(), "one cable per port; " + end
                            + " already has one");
                }
            }
        }
    }

    public Optional<Machine> machine(String name) {
        return machines.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The cables of one machine, in port order. */
    public List<Cable> cablesOf(String machine) {
        List<Cable> out = new ArrayList<>();
        for (Cable c : cables) {
            if (c.touches(machine)) {
                out.add(c);
            }
        }
        out.sort((x, y) -> Integer.compare(end(x, machine).port(), end(y, machine).port()));
        return out;
    }

    private static PortRef end(Cable c, String machine) {
        return c.a().machine().equals(machine) ? c.a() : c.b();
    }

    /** The seed deployment: the gateway and kubermesh1..4 cabled gateway-1, 1-2, 1-3, 2-4, 3-4. */
    public static Topology seed() {
        return fromPairs(5, new int[][] {{0, 1}, {1, 2}, {1, 3}, {2, 4}, {3, 4}});
    }

    /** {@code n} machines in a line. */
    public static Topology line(int n) {
        requireNodes(n, 1);
        int[][] pairs = new int[n - 1][];
        for (int i = 0; i + 1 < n; i++) {
            pairs[i] = new int[] {i, i + 1};
        }
        return fromPairs(n, pairs);
    }

    /** {@code n} machines in a ring (a line when {@code n < 3}). */
    public static Topology ring(int n) {
        requireNodes(n, 1);
        if (n < 3) {
            return line(n);
        }
        int[][] pairs = new int[n][];
        for (int i = 0; i < n; i++) {
            pairs[i] = new int[] {i, (i + 1) % n};
        }
        return fromPairs(n, pairs);
    }

    /** A {@code rows} by {@code columns} grid, row-major, each machine cabled to its right and lower neighbour. */
    public static Topology grid(int rows, int columns) {
        requireNodes(rows, 1);
        requireNodes(columns, 1);
        List<int[]> pairs = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < columns; c++) {
                int i = r * columns + c;
                if (c + 1 < columns) {
                    pairs.add(new int[] {i, i + 1});
                }
                if (r + 1 < rows) {
                    pairs.add(new int[] {i, i + columns});
                }
            }
        }
        return fromPairs(rows * columns, pairs.toArray(new int[0][]));
    }

    /** The name generated machine {@code i} gets: the gateway, then kubermesh1, kubermesh2, … */
    public static String machineName(int i) {
        return i == 0 ? GATEWAY : "kubermesh" + i;
    }

    /**
     * Machines 0..n-1 named by {@link #machineName}, cabled by index pairs in order, each cable on
     * the next free port of both machines.
     */
    public static Topology fromPairs(int n, int[][] pairs) {
        requireNodes(n, 1);
        Map<String, Integer> nextPort = new LinkedHashMap<>();
        List<Machine> machines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            machines.add(new Machine(machineName(i), DEFAULT_PORTS));
            nextPort.put(machineName(i), 0);
        }
        List<Cable> cables = new ArrayList<>();
        for (int[] p : pairs) {
            String a = machineName(p[0]);
            String b = machineName(p[1]);
            cables.add(new Cable(new PortRef(a, nextPort.merge(a, 1, Integer::sum) - 1),
                    new PortRef(b, nextPort.merge(b, 1, Integer::sum) - 1)));
        }
        return new Topology(machines, cables);
    }

    private static void requireNodes(int n, int min) {
        if (n < min || n > 10_000) {
            throw new ConfigurationException("topology", Integer.toString(n), "between " + min + " and 10000 machines");
        }
    }
}
