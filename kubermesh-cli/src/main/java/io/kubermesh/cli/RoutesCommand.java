package io.kubermesh.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.Ipv6Prefix;
import io.kubermesh.lab.RouteComparison;
import java.io.PrintWriter;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubermesh routes}: the route model's prediction beside the kernel's installed routes. */
@Command(name = "routes", mixinStandardHelpOptions = true,
        description = "Shows predicted and installed routes side by side, per machine and destination.")
final class RoutesCommand implements Callable<Integer> {
    enum Format { table, json }

    @Mixin
    LabCommands.LabOptions lab = new LabCommands.LabOptions();

    @Option(names = "--from", paramLabel = "NODE", description = "Only this machine's routes (default: every powered machine).")
    String from;

    @Option(names = "--to", paramLabel = "ADDRESS", description = "Only the destination that holds this IPv6 address.")
    String to;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    Format output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws JsonProcessingException {
        Optional<Ipv6Address> address = Optional.empty();
        if (to != null) {
            try {
                address = Optional.of(Ipv6Address.parse(to));
            } catch (RuntimeException e) {
                throw new ConfigurationException("--to", to, "an IPv6 address, such as a machine's host address");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        List<RouteComparison> routes = select(lab.attach(out).routes(Optional.ofNullable(from)), address);
        if (output == Format.json) {
            out.println(LabCommands.JSON.writeValueAsString(routes));
        } else {
            table(out, routes);
        }
        return 0;
    }

    /** The entries whose destination holds {@code address} (all of them when empty). */
    static List<RouteComparison> select(List<RouteComparison> routes, Optional<Ipv6Address> address) {
        return address.map(a -> routes.stream().filter(r -> Ipv6Prefix.parse(r.destination()).contains(a)).toList())
                .orElse(routes);
    }

    static void table(PrintWriter out, List<RouteComparison> routes) {
        String format = "%-12s %-36s %-16s %-44s %-44s %s%n";
        out.printf(format, "FROM", "DESTINATION", "TARGET", "PREDICTED", "INSTALLED", "MATCH");
        for (RouteComparison r : routes) {
            out.printf(format, r.from(), r.destination(), r.target(), hops(r.predicted()), hops(r.installed()), r.match());
        }
        Map<RouteComparison.Match, Long> counts = new EnumMap<>(RouteComparison.Match.class);
        routes.forEach(r -> counts.merge(r.match(), 1L, Long::sum));
        out.printf("%d routes: %s%n", routes.size(), counts.isEmpty() ? "none"
                : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));
    }

    private static String hops(List<RouteComparison.Hop> hops) {
        return hops.isEmpty() ? "-" : hops.stream().map(h -> h.interfaceName() + (h.via() == null ? "" : " " + h.via()))
                .collect(Collectors.joining(", "));
    }
}
