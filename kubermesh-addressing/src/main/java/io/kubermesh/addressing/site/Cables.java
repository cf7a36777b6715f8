package io.kubermesh.addressing.site;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubermesh.addressing.config.Fields;
import io.kubermesh.api.ConfigurationException.Problem;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.PortRef;
import io.vavr.collection.List;
import io.vavr.control.Validation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The {@code cables} of a site inventory: pairs of ports {@code machine:port} as an operator laid them. */
final class Cables {
    private static final Pattern PORT = Pattern.compile("([a-z0-9-]+):(\\d{1,2})");

    private Cables() {
    }

    static Validation<List<Problem>, java.util.List<Topology.Cable>> read(String at, JsonNode list,
                                                                        Map<String, SiteConfig.MachinePart> machines) {
        if (list == null) {
            return Validation.valid(java.util.List.of());
        }
        if (!list.isArray()) {
            return Fields.invalid(at, list, "a list of cables, each a pair of ports like [\"gateway:0\", \"node1:0\"]");
        }
        java.util.List<Topology.Cable> out = new ArrayList<>();
        List<Problem> problems = List.empty();
        Map<PortRef, String> used = new HashMap<>();
        for (int i = 0; i < list.size(); i++) {
            String p = at + "[" + i + "]";
            JsonNode pair = list.get(i);
            if (!pair.isArray() || pair.size() != 2) {
                problems = problems.append(new Problem(p, Fields.text(pair), "a pair of ports like [\"gateway:0\", \"node1:0\"]"));
                continue;
            }
            Validation<List<Problem>, PortRef> a = port(p + "[0]", pair.get(0), machines);
            Validation<List<Problem>, PortRef> b = port(p + "[1]", pair.get(1), machines);
            if (a.isInvalid() || b.isInvalid()) {
                problems = problems.appendAll(a.isInvalid() ? a.getError() : List.empty())
                        .appendAll(b.isInvalid() ? b.getError() : List.empty());
                continue;
            }
            if (a.get().machine().equals(b.get().machine())) {
                problems = problems.append(new Problem(p, a.get() + "-" + b.get(), "a cable between two different machines"));
                continue;
            }
            boolean clash = false;
            for (PortRef end : java.util.List.of(a.get(), b.get())) {
                String before = used.putIfAbsent(end, p);
                if (before != null) {
                    problems = problems.append(new Problem(p, end.toString(), "a port with one cable; " + before + " uses it too"));
                    clash = true;
                }
            }
            if (!clash) {
                out.add(new Topology.Cable(a.get(), b.get()));
            }
        }
        return problems.isEmpty() ? Validation.valid(out) : Validation.invalid(problems);
    }

    /** A port {@code machine:index} of a listed machine; {@code index} below its NIC count. */
    static Validation<List<Problem>, PortRef> port(String at, JsonNode value, Map<String, SiteConfig.MachinePart> machines) {
        Matcher m = value == null || !value.isTextual() ? null : PORT.matcher(value.asText().trim());
        if (m == null || !m.matches()) {
            return Fields.invalid(at, value, "a port as machine:index, like gateway:0");
        }
        SiteConfig.MachinePart machine = machines.get(m.group(1));
        if (machine == null) {
            return Fields.invalid(at, value, "a port of a machine in site.machines " + new java.util.TreeSet<>(machines.keySet()));
        }
        int index = Integer.parseInt(m.group(2));
        if (index >= machine.nics().size()) {
            return Fields.invalid(at, value, "a port of " + machine.name() + ", which has ports 0.." + (machine.nics().size() - 1)
                    + " (one per NIC)");
        }
        return Validation.valid(new PortRef(machine.name(), index));
    }
}
