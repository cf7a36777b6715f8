package io.kubermesh.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kubermesh plan}: the address plan of a cluster and of the nodes whose MACs are given. */
@Command(name = "plan", mixinStandardHelpOptions = true, subcommands = OwnerCommand.class,
        description = {"Prints the address plan: the cluster, its anycast services and, per MAC, the node block,",
                "host address, port /126s with their DHCPv6 pools, and pod prefix."})
final class PlanCommand implements Callable<Integer> {
    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Option(names = "--mac", paramLabel = "MAC", description = "A node's identity MAC; repeatable.")
    List<String> macs = new ArrayList<>();

    @Option(names = "--inventory", paramLabel = "FILE", description = "A file of MACs, one a line, # comments.")
    Path inventory;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    OutputFormat output;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        ClusterSpec clusterSpec = cluster.load();
        AddressPlan plan = new AddressPlan(clusterSpec);
        List<MacAddress> nodes = new ArrayList<>();
        Set<MacAddress> seen = new HashSet<>();
        for (String m : macs) {
            MacAddress mac = MacAddress.parse("--mac", m);
            if (seen.add(mac)) {
                nodes.add(mac);
            }
        }
        if (inventory != null) {
            for (MacAddress mac : Inventory.read(inventory)) {
                if (seen.add(mac)) {
                    nodes.add(mac);
                }
            }
        }
        for (MacAddress mac : nodes) {
            if (!mac.isUsableIdentity()) {
                throw new ConfigurationException("--mac", mac.toString(),
                        "a unicast, non-zero MAC (the I/G bit of the first octet clear): a group address names no node");
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (output == OutputFormat.table) {
            PlanTable.write(out, plan, nodes);
        } else {
            writeStructured(out, plan, nodes);
        }
        out.flush();
        return 0;
    }

    private void writeStructured(PrintWriter out, AddressPlan plan, List<MacAddress> nodes) {
        try (JsonGenerator g = output.generator(out)) {
            g.writeStartObject();
            writeCluster(g, plan);
            g.writeArrayFieldStart("anycast");
            for (AddressPlan.ResolvedService s : plan.anycast()) {
                g.writeStartObject();
                g.writeStringField("name", s.name());
                g.writeStringField("address", s.address().toString());
                g.writeNumberField("port", s.port());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeArrayFieldStart("nodes");
            for (MacAddress mac : nodes) {
                writeNode(g, plan.node(mac));
            }
            g.writeEndArray();
            g.writeEndObject();
            g.flush();
            if (output == OutputFormat.json) {
                out.println();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void writeCluster(JsonGenerator g, AddressPlan plan) throws IOException {
        ClusterSpec c = plan.spec();
        g.writeObjectFieldStart("cluster");
        g.writeStringField("name", c.name());
        g.writeStringField("prefix", c.prefix().toString());
        g.writeNumberField("nodeBlockLength", c.nodeBlockLength());
        g.writeObjectFieldStart("layout");
        g.writeNumberField("hostOffset", c.layout().hostOffset());
        g.writeNumberField("portOffset", c.layout().portOffset());
        g.writeNumberField("ports", c.layout().ports());
        g.writeEndObject();
        g.writeStringField("anycastPrefix", c.anycastPrefix().toString());
        g.writeObjectFieldStart("ipv4");
        g.writeStringField("nodePool", c.ipv4().nodePool().toString());
        g.writeStringField("podPool", c.ipv4().podPool().toString());
        g.writeNumberField("podPrefixLength", c.ipv4().podPrefixLength());
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeNode(JsonGenerator g, NodeBlock n) throws IOException {
        g.writeStartObject();
        g.writeStringField("mac", n.mac().toString());
        g.writeStringField("block", n.block().toString());
        g.writeStringField("host", n.host().toString());
        g.writeStringField("hostRegion", n.hostRegion().toString());
        g.writeStringField("portRegion", n.portRegion().toString());
        g.writeArrayFieldStart("ports");
        for (PortPrefix p : n.ports()) {
            g.writeStartObject();
            g.writeNumberField("index", p.index());
            g.writeStringField("interface", p.interfaceName());
            g.writeStringField("prefix", p.prefix().toString());
            g.writeStringField("address", p.thisEnd().toString());
            g.writeArrayFieldStart("pool");
            for (var a : p.pool()) {
                g.writeString(a.toString());
            }
            g.writeEndArray();
            g.writeEndObject();
        }
        g.writeEndArray();
        g.writeStringField("pods", n.pods().toString());
        g.writeEndObject();
    }
}
