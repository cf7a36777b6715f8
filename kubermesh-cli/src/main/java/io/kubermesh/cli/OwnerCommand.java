package io.kubermesh.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.AddressOwner;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.Ipv6Address;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kubermesh plan owner ADDRESS...}: which node and region, or which anycast service, an address belongs to. */
@Command(name = "owner", mixinStandardHelpOptions = true,
        description = "Names the node, region and port (or the anycast service) of each address.")
final class OwnerCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Parameters(arity = "1..*", paramLabel = "ADDRESS", description = "IPv6 addresses of the cluster.")
    List<String> addresses;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ClusterSpec c = cluster.load();
        AddressPlan plan = new AddressPlan(c);
        List<AddressOwner> owners = new ArrayList<>();
        List<ConfigurationException.Problem> problems = new ArrayList<>();
        for (int i = 0; i < addresses.size(); i++) {
            String text = addresses.get(i);
            String at = "ADDRESS[" + i + "]";
            Ipv6Address a;
            try {
                a = Ipv6Address.parse(at, text);
            } catch (ConfigurationException e) {
                problems.addAll(e.problems());
                continue;
            }
            plan.owner(a).ifPresentOrElse(owners::add, () -> problems.add(new ConfigurationException.Problem(at, text,
                    "an address in the cluster prefix " + c.prefix() + " (in a block of a unicast MAC) or in the anycast prefix "
                            + c.anycastPrefix())));
        }
        if (!problems.isEmpty()) {
            throw new ConfigurationException(problems);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.table) {
            out.printf("%-40s %-10s %-18s %-6s %s%n", "ADDRESS", "REGION", "NODE", "INDEX", "BLOCK / SERVICE");
            for (AddressOwner o : owners) {
                out.printf("%-40s %-10s %-18s %-6s %s%n", o.address(), region(o), o.mac().map(Object::toString).orElse("-"),
                        o.index() < 0 ? "-" : Integer.toString(o.index()),
                        o.block().map(Object::toString).orElse(o.service().orElse("(no service at this address)")));
            }
        } else {
            write(out, owners);
        }
        out.flush();
        return 0;
    }

    static String region(AddressOwner o) {
        return o.region().name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private void write(PrintWriter out, List<AddressOwner> owners) {
        try (JsonGenerator g = output.generator(out)) {
            g.writeStartArray();
            for (AddressOwner o : owners) {
                g.writeStartObject();
                g.writeStringField("address", o.address().toString());
                g.writeStringField("region", region(o));
                if (o.mac().isPresent()) {
                    g.writeStringField("mac", o.mac().get().toString());
                }
                if (o.block().isPresent()) {
                    g.writeStringField("block", o.block().get().toString());
                }
                if (o.index() >= 0) {
                    g.writeNumberField(o.region() == AddressOwner.Region.VIP ? "vip" : "port", o.index());
                }
                if (o.region() == AddressOwner.Region.ANYCAST) {
                    g.writeStringField("service", o.service().orElse(null));
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.flush();
            if (output == OutputFormat.json) {
                out.println();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
