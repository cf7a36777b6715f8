package io.kubermesh.cli;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import java.io.PrintWriter;
import java.util.List;

/** The plan as text for people. */
final class PlanTable {
    private PlanTable() {
    }

    static void write(PrintWriter out, AddressPlan plan, List<MacAddress> nodes) {
        ClusterSpec c = plan.spec();
        out.printf("cluster %s: prefix %s, node blocks /%d, anycast %s%n", c.name(), c.prefix(), c.nodeBlockLength(),
                c.anycastPrefix());
        out.printf("ipv4: nodes %s, pods %s in /%d%n", c.ipv4().nodePool(), c.ipv4().podPool(), c.ipv4().podPrefixLength());
        if (!plan.anycast().isEmpty()) {
            out.println();
            out.printf("%-16s %-40s %s%n", "ANYCAST", "ADDRESS", "PORT");
            for (AddressPlan.ResolvedService s : plan.anycast()) {
                out.printf("%-16s %-40s %d%n", s.name(), s.address(), s.port());
            }
        }
        for (MacAddress mac : nodes) {
            NodeBlock n = plan.node(mac);
            out.println();
            out.printf("node %s%n", n.mac());
            out.printf("  block   %s%n", n.block());
            out.printf("  host    %s   (region %s)%n", n.host(), n.hostRegion());
            out.printf("  pods    %s%n", n.pods());
            out.printf("  ports   %s%n", n.portRegion());
            for (PortPrefix p : n.ports()) {
                out.printf("    %-9s %-44s pool %s .. %s%n", p.interfaceName(), p.prefix(), p.pool().get(0),
                        p.pool().get(p.pool().size() - 1));
            }
        }
    }
}
