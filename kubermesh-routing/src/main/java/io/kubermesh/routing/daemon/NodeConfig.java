package io.kubermesh.routing.daemon;

import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.RoutingSpec;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a routing daemon needs to know about its node.
 *
 * @param nodeName the machine's name (hostname in the daemon's configuration)
 * @param routerId the 32-bit OSPF router id, see {@link #routerIdFor(MacAddress)}
 * @param ports the mesh port interfaces OSPFv3 runs on, point-to-point ({@code cluster0}, ...)
 * @param stubInterface the passive interface holding the host /128, the anycast /128s and the
 *     pods prefix; every prefix on it is announced
 * @param namespace the network namespace ({@code /run/netns/NAME}) the daemon runs in, or empty
 *     for the namespace of this process
 * @param stateDirectory where configuration, sockets, pid files and logs of this node go
 * @param routing hello, dead and BFD timers
 * @param keys the cluster's routing keys: OSPFv3 (and BFD, where the daemon can) signs every
 *     packet on every port with the ring's send key and accepts the ring's keys; empty only for a
 *     daemon that must speak without one (a test's rogue device)
 */
public record NodeConfig(String nodeName, int routerId, List<String> ports, String stubInterface,
                         Optional<String> namespace, Path stateDirectory, RoutingSpec routing, Optional<RoutingKeyring> keys) {
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    public NodeConfig {
        ports = List.copyOf(ports);
        namespace = namespace == null ? Optional.empty() : namespace;
        keys = keys == null ? Optional.empty() : keys;
        if (nodeName == null || !NAME.matcher(nodeName).matches()) {
            throw new ConfigurationException("node.name", nodeName, "letters, digits, '.', '_' or '-', at most 64");
        }
        if (routerId == 0) {
            throw new ConfigurationException("node.routerId", "0.0.0.0", "a non-zero 32-bit router id");
        }
        if (stubInterface == null || !INTERFACE.matcher(stubInterface).matches()) {
            throw new ConfigurationException("node.stubInterface", stubInterface, "an interface name of 1..15 characters");
        }
        var seen = new HashSet<String>();
        for (String p : ports) {
            if (p == null || !INTERFACE.matcher(p).matches() || p.equals(stubInterface) || !seen.add(p)) {
                throw new ConfigurationException("node.ports", String.valueOf(p),
                        "distinct interface names of 1..15 characters, other than the stub interface");
            }
        }
        if (namespace.isPresent() && !NAME.matcher(namespace.get()).matches()) {
            throw new ConfigurationException("node.namespace", namespace.get(), "a network namespace name");
        }
        if (stateDirectory == null || !stateDirectory.isAbsolute()) {
            throw new ConfigurationException("node.stateDirectory", String.valueOf(stateDirectory), "an absolute path");
        }
        if (routing == null) {
            throw new ConfigurationException("cluster.routing", null, "routing parameters");
        }
    }

    /** A node without a routing key: its daemon authenticates nothing (tests and benchmarks only). */
    public NodeConfig(String nodeName, int routerId, List<String> ports, String stubInterface, Optional<String> namespace,
                      Path stateDirectory, RoutingSpec routing) {
        this(nodeName, routerId, ports, stubInterface, namespace, stateDirectory, routing, Optional.empty());
    }

    /** The same node authenticating with {@code newKey} alone. */
    public NodeConfig withKey(RoutingKey newKey) {
        return withKeys(RoutingKeyring.of(newKey));
    }

    /** The same node signing with {@code ring}'s send key and accepting all of its keys. */
    public NodeConfig withKeys(RoutingKeyring ring) {
        return new NodeConfig(nodeName, routerId, ports, stubInterface, namespace, stateDirectory, routing, Optional.of(ring));
    }

    /**
     * A router id that is a pure function of the node identity: the low 32 bits of the MAC (the
     * NIC-specific part and one octet of the OUI), so nodes from one vendor differ. An all-zero
     * result, invalid in OSPF, becomes 0.0.0.1.
     */
    public static int routerIdFor(MacAddress mac) {
        int id = (int) mac.value();
        return id == 0 ? 1 : id;
    }

    /** The router id as OSPF writes it, {@code a.b.c.d}. */
    public String routerIdText() {
        return routerIdText(routerId);
    }

    /** A router id as OSPF writes it, {@code a.b.c.d}. */
    public static String routerIdText(int routerId) {
        return (routerId >>> 24) + "." + ((routerId >>> 16) & 0xFF) + "." + ((routerId >>> 8) & 0xFF) + "." + (routerId & 0xFF);
    }

    /** The same node with another set of ports. */
    public NodeConfig withPorts(List<String> newPorts) {
        return new NodeConfig(nodeName, routerId, newPorts, stubInterface, namespace, stateDirectory, routing, keys);
    }

    /**
     * The command prefix that runs a program inside the node's namespace: {@code nsenter} joins
     * only the network namespace and then executes the program in place, so the process id is the
     * daemon's own.
     */
    public CommandLine inNamespace(CommandLine command) {
        if (namespace.isEmpty()) {
            return command;
        }
        return HostRequirements.NSENTER.wrapping(List.of("--net=/run/netns/" + namespace.get(), "--"), command);
    }
}
