package io.kubermesh.cli;

import io.kubermesh.api.ConfigurationException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code --interface IF[:PORT]} of {@code kubermesh boot serve}: interface {@code IF} serves as
 * mesh port {@code index} of the node (by default its position in the list).
 */
record ServedPort(String interfaceName, int index) {
    static final String OPTION = "--interface";

    /**
     * Parses every {@code IF[:PORT]} and checks them together: names as the kernel takes them,
     * ports inside the layout's {@code ports}, no interface and no port given twice. Every problem
     * is reported at once.
     */
    static List<ServedPort> parse(List<String> specs, int ports) {
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        List<ServedPort> out = new ArrayList<>();
        Map<String, String> byName = new HashMap<>();
        Map<Integer, String> byPort = new HashMap<>();
        String valid = "IF[:PORT], IF an interface name of 1..15 characters without '/', ':' or blanks, PORT 0.."
                + (ports - 1) + " (the layout has " + ports + " ports)";
        for (int i = 0; i < specs.size(); i++) {
            String spec = specs.get(i);
            int colon = spec.indexOf(':');
            String name = colon < 0 ? spec : spec.substring(0, colon);
            if (!validName(name)) {
                problems.add(new ConfigurationException.Problem(OPTION, spec, valid));
                continue;
            }
            String before = byName.putIfAbsent(name, spec);
            if (before != null) {
                problems.add(new ConfigurationException.Problem(OPTION, spec, "each interface once; " + name
                        + " is given as " + before + " already"));
                continue;
            }
            int index;
            if (colon < 0) {
                index = i;
            } else {
                String p = spec.substring(colon + 1);
                if (!p.matches("[0-9]{1,3}")) {
                    problems.add(new ConfigurationException.Problem(OPTION, spec, valid));
                    continue;
                }
                index = Integer.parseInt(p);
            }
            if (index >= ports) {
                problems.add(new ConfigurationException.Problem(OPTION, spec, "port " + index + " is out of range: "
                        + (colon < 0 ? "interface #" + (i + 1) + " is port " + index + " by its position; " : "")
                        + "ports are 0.." + (ports - 1) + " (cluster.ipv6.layout.ports is " + ports + ")"));
                continue;
            }
            String other = byPort.putIfAbsent(index, name);
            if (other != null) {
                problems.add(new ConfigurationException.Problem(OPTION, spec, "each port once; port " + index
                        + " is served on " + other + " already"));
                continue;
            }
            out.add(new ServedPort(name, index));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        return List.copyOf(out);
    }

    /** Fails, naming every missing one and the links there are, unless every interface is in {@code links}. */
    static void requireExisting(List<ServedPort> served, Set<String> links) {
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        for (ServedPort p : served) {
            if (!links.contains(p.interfaceName())) {
                problems.add(new ConfigurationException.Problem(OPTION, p.interfaceName(),
                        "an interface of this network namespace: one of " + new TreeSet<>(links)));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
    }

    private static boolean validName(String name) {
        return !name.isEmpty() && name.length() <= 15 && !name.equals(".") && !name.equals("..")
                && name.chars().noneMatch(c -> c == '/' || c == ':' || c <= ' ' || c >= 0x7F);
    }
}
