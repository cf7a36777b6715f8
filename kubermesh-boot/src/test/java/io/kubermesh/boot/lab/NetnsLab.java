package io.kubermesh.boot.lab;

import java.util.ArrayList;
import java.util.List;

/**
 * Two network namespaces, {@code kmbt-srv} and {@code kmbt-cli}, joined by the veth pair
 * {@code kmbt0a} (server side) / {@code kmbt0b} (client side), with global addresses
 * {@link #SERVER_GLOBAL}/{@link #CLIENT_GLOBAL} and fixed link-local addresses, DAD off. Close
 * removes both namespaces (and with them the veth), also after a failure.
 */
public final class NetnsLab implements AutoCloseable {
    public static final String SERVER_NS = "kmbt-srv";
    public static final String CLIENT_NS = "kmbt-cli";
    public static final String SERVER_IF = "kmbt0a";
    public static final String CLIENT_IF = "kmbt0b";
    public static final String SERVER_GLOBAL = "2001:db8:5::1";
    public static final String CLIENT_GLOBAL = "2001:db8:5::2";
    public static final String SERVER_LINK_LOCAL = "fe80::5:1";
    public static final String CLIENT_LINK_LOCAL = "fe80::5:2";

    private NetnsLab() {
    }

    /** Creates the lab, removing a leftover one of an earlier crashed run first. */
    public static NetnsLab create() {
        Exec.require("ip", "iproute2");
        destroy();
        NetnsLab lab = new NetnsLab();
        try {
            for (String[] c : List.of(
                    new String[] {"ip", "netns", "add", SERVER_NS},
                    new String[] {"ip", "netns", "add", CLIENT_NS},
                    new String[] {"ip", "link", "add", SERVER_IF, "netns", SERVER_NS, "type", "veth", "peer", "name", CLIENT_IF,
                        "netns", CLIENT_NS})) {
                Exec.run(20, c).orThrow();
            }
            side(SERVER_NS, SERVER_IF, SERVER_GLOBAL, SERVER_LINK_LOCAL);
            side(CLIENT_NS, CLIENT_IF, CLIENT_GLOBAL, CLIENT_LINK_LOCAL);
            return lab;
        } catch (RuntimeException e) {
            destroy();
            throw e;
        }
    }

    private static void side(String ns, String iface, String global, String linkLocal) {
        List<String[]> cmds = new ArrayList<>();
        cmds.add(new String[] {"sysctl", "-q", "-w", "net.ipv6.conf.all.accept_dad=0"});
        cmds.add(new String[] {"sysctl", "-q", "-w", "net.ipv6.conf." + iface + ".accept_dad=0"});
        cmds.add(new String[] {"ip", "link", "set", "lo", "up"});
        cmds.add(new String[] {"ip", "addr", "add", global + "/64", "dev", iface, "nodad"});
        cmds.add(new String[] {"ip", "addr", "add", linkLocal + "/64", "dev", iface, "nodad"});
        cmds.add(new String[] {"ip", "link", "set", iface, "up"});
        for (String[] c : cmds) {
            Exec.inNetns(ns, 20, c).orThrow();
        }
    }

    /** Runs a command in the client namespace. */
    public Exec.Result client(long timeoutSeconds, String... command) {
        return Exec.inNetns(CLIENT_NS, timeoutSeconds, command);
    }

    /** Runs a command in the server namespace. */
    public Exec.Result server(long timeoutSeconds, String... command) {
        return Exec.inNetns(SERVER_NS, timeoutSeconds, command);
    }

    /** Removes the namespaces (the veth goes with them); idempotent. */
    public static void destroy() {
        Exec.run(20, "ip", "netns", "del", SERVER_NS);
        Exec.run(20, "ip", "netns", "del", CLIENT_NS);
    }

    @Override
    public void close() {
        destroy();
    }
}
