package io.kubermesh.routing.daemon.frr;

import io.kubermesh.routing.daemon.NodeConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * Generates one node's FRR configuration: a file per daemon (zebra, ospf6d, bfdd), each starting
 * with {@code frr defaults datacenter}. OSPFv3 runs point-to-point on every port with the
 * cluster's hello and dead intervals and a BFD profile; the stub interface is passive, so every
 * prefix on it (host /128, anycast /128s, pods prefix) is announced as an intra-area prefix. The
 * SPF throttle starts at 0 ms so a topology change is computed at once; LSAs are accepted however
 * soon they follow each other and retransmitted after 1 s, so a joining node is routed within
 * about a second of its adjacencies coming up.
 *
 * <p>With a routing key, every port carries the OSPFv3 authentication trailer (RFC 7166,
 * HMAC-SHA-256) through the key chain {@value #KEY_CHAIN}, defined in ospf6d's own file, so the
 * {@code vtysh} commands that add a port name the chain and never carry the secret (a command
 * line is readable by every user in {@code /proc}). FRR 8.4's bfdd has no authentication (it
 * parses none of RFC 5880 section 6.7): BFD on the ports runs unauthenticated, and a forged BFD
 * Down can at worst take an adjacency down early, never bring one up; the OSPFv3 trailer is what
 * keeps a device without the key out. The chain holds every key of the node's ring and signs
 * with one of them ({@link FrrKeyChain}).
 */
public final class FrrConfig {
    /** The key chain of the routing key. */
    public static final String KEY_CHAIN = "kubermesh";
    /** The BFD profile the ports use. */
    public static final String BFD_PROFILE = "kubermesh";
    /** The OSPF area every port and the stub interface are in. */
    public static final String AREA = "0.0.0.0";
    /** The cost of every port: equal, so the shortest path is the one with the fewest hops. */
    public static final int COST = 10;
    /**
     * MinLSArrival, ms: ospf6d drops (without acknowledging) a new instance of an LSA that comes
     * sooner than this after the previous one, and then waits for the neighbour's retransmission.
     * A joining node re-originates its router-LSA once per adjacency that becomes full, within
     * a few milliseconds; with the default 1000 ms the neighbours drop all but the first and the
     * node is routed only after a retransmission. The SPF throttle, not this, paces computation.
     */
    static final int LSA_MIN_ARRIVAL_MS = 0;
    /** Seconds before an unacknowledged LSA is sent again (default 5): a lost update costs 1 s. */
    static final int RETRANSMIT_INTERVAL_S = 1;

    private FrrConfig() {
    }

    /** The generated files of one node. */
    public record Files(String zebra, String ospf6d, String bfdd) {
    }

    public static Files generate(NodeConfig node) {
        return new Files(zebra(node), ospf6d(node), bfdd(node));
    }

    /**
     * zebra without kernel nexthop objects: routes go down with their next hops inline. FRR 8.4's
     * zebra keeps its nexthop-group ids after a port's carrier flaps while the kernel has dropped
     * the group, and then fails to install every ECMP route that refers to it ("Route install
     * failed", {@code O>r} rejected) until restarted; a neighbour that reboots leaves the nodes
     * around it with only their single-path routes. Fixed upstream after 8.4
     * (https://github.com/FRRouting/frr/pull/13413, see also
     * https://github.com/FRRouting/frr/issues/12239).
     */
    static String zebra(NodeConfig node) {
        return header(node) + "!\n" + "no zebra nexthop kernel enable\n" + "!\n";
    }

    static String ospf6d(NodeConfig node) {
        StringBuilder sb = new StringBuilder(header(node)).append("!\n");
        node.keys().ifPresent(ring -> sb.append(FrrKeyChain.config(ring)).append("!\n"));
        for (String port : node.ports()) {
            sb.append("interface ").append(port).append('\n');
            for (String line : portLines(node)) {
                sb.append(' ').append(line).append('\n');
            }
            sb.append("exit\n!\n");
        }
        sb.append("interface ").append(node.stubInterface()).append('\n')
                .append(" ipv6 ospf6 area ").append(AREA).append('\n')
                .append(" ipv6 ospf6 passive\n")
                .append("exit\n!\n")
                .append("router ospf6\n")
                .append(" ospf6 router-id ").append(node.routerIdText()).append('\n')
                .append(" timers throttle spf 0 50 200\n")
                .append(" timers lsa min-arrival ").append(LSA_MIN_ARRIVAL_MS).append('\n')
                .append("exit\n!\n");
        return sb.toString();
    }

    static String bfdd(NodeConfig node) {
        long interval = node.routing().bfdInterval().toMillis();
        return header(node) + "!\n"
                + "bfd\n"
                + " profile " + BFD_PROFILE + "\n"
                + "  detect-multiplier " + node.routing().bfdMultiplier() + "\n"
                + "  receive-interval " + interval + "\n"
                + "  transmit-interval " + interval + "\n"
                + " exit\n"
                + "exit\n!\n";
    }

    /** The interface lines of one port, in the order {@code vtysh} applies them too. */
    static List<String> portLines(NodeConfig node) {
        List<String> lines = new ArrayList<>();
        lines.add("ipv6 ospf6 area " + AREA);
        lines.add("ipv6 ospf6 network point-to-point");
        lines.add("ipv6 ospf6 cost " + COST);
        lines.add("ipv6 ospf6 hello-interval " + node.routing().hello().toSeconds());
        lines.add("ipv6 ospf6 dead-interval " + node.routing().dead().toSeconds());
        lines.add("ipv6 ospf6 retransmit-interval " + RETRANSMIT_INTERVAL_S);
        lines.add("ipv6 ospf6 bfd profile " + BFD_PROFILE);
        if (node.keys().isPresent()) {
            lines.add("ipv6 ospf6 authentication keychain " + KEY_CHAIN);
        }
        return lines;
    }

    /** The {@code vtysh} commands that add a port to a running ospf6d. */
    static List<String> addPortCommands(NodeConfig node, String port) {
        List<String> cmds = new ArrayList<>();
        cmds.add("interface " + port);
        cmds.addAll(portLines(node));
        cmds.add("exit");
        return cmds;
    }

    /** The {@code vtysh} commands that take a port out of OSPF. */
    static List<String> removePortCommands(String port) {
        return List.of("interface " + port, "no ipv6 ospf6 bfd", "no ipv6 ospf6 area " + AREA, "exit");
    }

    private static String header(NodeConfig node) {
        return "! generated by kubermesh for " + node.nodeName() + "; do not edit\n"
                + "frr defaults datacenter\n"
                + "hostname " + node.nodeName() + "\n";
    }
}
