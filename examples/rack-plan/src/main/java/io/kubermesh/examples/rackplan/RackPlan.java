package io.kubermesh.examples.rackplan;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.Topology;
import io.kubermesh.api.Topology.Cable;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Plans a switchless rack: reads an inventory CSV ({@code hostname,mac}), cables the machines in
 * a ring in the order listed (machine i's last used port to machine i+1's next one), and prints,
 * per cable, the /126 and addresses each end uses, plus every host address. Everything comes from
 * the kubermesh address plan; nothing here knows the bit layout.
 *
 * <pre>java -cp ... io.kubermesh.examples.rackplan.RackPlan inventory.csv</pre>
 */
public final class RackPlan {
    /** One inventory row. */
    public record Host(String name, MacAddress mac) {
    }

    private RackPlan() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: RackPlan INVENTORY.csv   (lines: hostname,mac)");
            System.exit(2);
        }
        print(read(Path.of(args[0])), System.out);
    }

    public static List<Host> read(Path csv) throws IOException {
        List<Host> hosts = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(csv)) {
            n++;
            String t = line.strip();
            if (t.isEmpty() || t.startsWith("#") || t.equalsIgnoreCase("hostname,mac")) {
                continue;
            }
            String[] f = t.split(",");
            if (f.length != 2) {
                throw new IllegalArgumentException(csv + " line " + n + ": expected hostname,mac but got '" + t + "'");
            }
            hosts.add(new Host(f[0].strip(), MacAddress.parse(csv + " line " + n, f[1].strip())));
        }
        return hosts;
    }

    public static void print(List<Host> hosts, PrintStream out) {
        AddressPlan plan = new AddressPlan(ClusterConfig.seed());
        Topology ring = Topology.ring(hosts.size());
        Map<String, Host> byMachine = new HashMap<>();
        for (int i = 0; i < hosts.size(); i++) {
            byMachine.put(Topology.machineName(i), hosts.get(i));
        }
        out.println("HOSTS");
        for (Host h : hosts) {
            out.printf("  %-12s %s  host %s  pods %s%n", h.name(), h.mac(), plan.host(h.mac()), plan.node(h.mac()).pods());
        }
        out.println("CABLES");
        for (Cable c : ring.cables()) {
            Host a = byMachine.get(c.a().machine());
            Host b = byMachine.get(c.b().machine());
            PortPrefix pa = plan.port(a.mac(), c.a().port());
            PortPrefix pb = plan.port(b.mac(), c.b().port());
            out.printf("  %s:%s <-> %s:%s%n", a.name(), pa.interfaceName(), b.name(), pb.interfaceName());
            out.printf("    %-10s %s (this end %s; boots %s on it)%n", a.name(), pa.prefix(), pa.thisEnd(), pa.pool().get(0));
            out.printf("    %-10s %s (this end %s; boots %s on it)%n", b.name(), pb.prefix(), pb.thisEnd(), pb.pool().get(0));
        }
    }

    /** The whole plan of one host, for callers that want more than the printout. */
    public static NodeBlock node(Host host) {
        return new AddressPlan(ClusterConfig.seed()).node(host.mac());
    }
}
