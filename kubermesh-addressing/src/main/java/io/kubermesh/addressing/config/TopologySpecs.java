package io.kubermesh.addressing.config;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.Machine;
import io.kubermesh.api.Topology.PortRef;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code --topology seed|line|ring|grid:RxC|FILE} with {@code --nodes N}. A topology file lists
 * cables, one a line: {@code a b} (the next free port of each machine) or {@code a:0 b:2}
 * (explicit ports); {@code #} starts a comment; machines are those the cables name, in order of
 * first mention, each with {@link Topology#DEFAULT_PORTS} ports.
 */
public final class TopologySpecs {
    private static final Pattern GRID = Pattern.compile("grid:(\\d{1,3})x(\\d{1,3})");
    private static final Pattern END = Pattern.compile("([a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?)(?::(\\d{1,2}))?");

    private TopologySpecs() {
    }

    /**
     * @param spec the {@code --topology} value
     * @param nodes the {@code --nodes} value, or 0 when not given (seed: 5, others: 5)
     */
    public static Topology resolve(String spec, int nodes) {
        if (nodes < 0 || nodes > 1000) {
            throw new ConfigurationException("--nodes", Integer.toString(nodes), "1..1000 machines");
        }
        int n = nodes == 0 ? 5 : nodes;
        switch (spec) {
            case "seed":
                if (nodes != 0 && nodes != 5) {
                    throw new ConfigurationException("--nodes", Integer.toString(nodes),
                            "5 or nothing with --topology seed (the seed has the gateway and four machines); use line, ring or grid for other sizes");
                }
                return Topology.seed();
            case "line":
                return Topology.line(n);
            case "ring":
                return Topology.ring(n);
            default:
                Matcher g = GRID.matcher(spec);
                if (g.matches()) {
                    int r = Integer.parseInt(g.group(1));
                    int c = Integer.parseInt(g.group(2));
                    if (r < 1 || c < 1 || r * c > 1000) {
                        throw new ConfigurationException("--topology", spec, "grid:RxC with 1..1000 machines in all");
                    }
                    if (nodes != 0 && nodes != r * c) {
                        throw new ConfigurationException("--nodes", Integer.toString(nodes),
                                "nothing, or " + r * c + " to match " + spec);
                    }
                    return Topology.grid(r, c);
                }
                Path file = Path.of(spec);
                if (Files.isRegularFile(file)) {
                    return read(file);
                }
                throw new ConfigurationException("--topology", spec, "seed, line, ring, grid:RxC or an existing topology file");
        }
    }

    /** Reads a topology file. */
    public static Topology read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigurationException("--topology", file.toString(), "a readable topology file (" + e.getMessage() + ")");
        }
        return parse(lines, file.toString());
    }

    static Topology parse(List<String> lines, String source) {
        Map<String, Integer> nextPort = new LinkedHashMap<>();
        Map<String, Map<Integer, Integer>> usedAt = new HashMap<>();
        List<Cable> cables = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String at = source + " line " + (i + 1);
            String raw = lines.get(i);
            int hash = raw.indexOf('#');
            String text = (hash >= 0 ? raw.substring(0, hash) : raw).trim();
            if (text.isEmpty()) {
                continue;
            }
            String[] ends = text.split("\\s+");
            if (ends.length != 2) {
                throw new ConfigurationException(at, raw, "a cable: two machine names, each with an optional :PORT");
            }
            PortRef[] refs = new PortRef[2];
            for (int k = 0; k < 2; k++) {
                Matcher m = END.matcher(ends[k]);
                if (!m.matches()) {
                    throw new ConfigurationException(at, ends[k], "a machine name (lower-case letters, digits, '-') with an optional :PORT");
                }
                String name = m.group(1);
                nextPort.putIfAbsent(name, 0);
                Map<Integer, Integer> used = usedAt.computeIfAbsent(name, x -> new HashMap<>());
                int port;
                if (m.group(3) != null) {
                    port = Integer.parseInt(m.group(3));
                } else {
                    port = nextPort.get(name);
                    while (used.containsKey(port)) {
                        port++;
                    }
                }
                if (port >= Topology.DEFAULT_PORTS) {
                    throw new ConfigurationException(at, ends[k], "ports 0.." + (Topology.DEFAULT_PORTS - 1) + " of " + name);
                }
                Integer before = used.putIfAbsent(port, i + 1);
                if (before != null) {
                    throw new ConfigurationException(at, ends[k], "a free port; " + name + ":" + port + " is cabled on line " + before);
                }
                nextPort.put(name, Math.max(nextPort.get(name), port + 1));
                refs[k] = new PortRef(name, port);
            }
            if (refs[0].machine().equals(refs[1].machine())) {
                throw new ConfigurationException(at, raw, "a cable between two different machines");
            }
            cables.add(new Cable(refs[0], refs[1]));
        }
        if (nextPort.isEmpty()) {
            throw new ConfigurationException(source, "", "at least one cable");
        }
        List<Machine> machines = new ArrayList<>();
        nextPort.keySet().forEach(name -> machines.add(new Machine(name, Topology.DEFAULT_PORTS)));
        return new Topology(machines, cables);
    }
}
