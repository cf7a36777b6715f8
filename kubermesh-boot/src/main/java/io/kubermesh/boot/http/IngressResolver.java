package io.kubermesh.boot.http;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.api.AddressOwner;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.PortPrefix;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;

/**
 * Names the port a request came in on: the {@code clusterI} whose /126 holds the client's
 * address, else, for a link-local connection, the interface it arrived on, else {@code unknown}.
 * Secrets and state changes are bound to this name.
 */
@FunctionalInterface
public interface IngressResolver {
    /** The port name for a connection from {@code remote} to {@code local}. */
    String portOf(InetSocketAddress remote, InetSocketAddress local);

    /** Ports from the cluster's address plan: any pool address of any node's port {@code i} is {@code clusterI}. */
    static IngressResolver fromPlan(ClusterSpec spec) {
        AddressPlan plan = new AddressPlan(spec);
        return (remote, local) -> global(remote).flatMap(plan::owner)
                .filter(o -> o.region() == AddressOwner.Region.PORT_POOL)
                .map(o -> PortPrefix.interfaceName(o.index()))
                .orElseGet(() -> linkLocal(local));
    }

    /** Ports given explicitly (a node's own ports): a client inside one's /126 came in on it. */
    static IngressResolver fromPorts(List<PortPrefix> ports) {
        List<PortPrefix> copy = List.copyOf(ports);
        return (remote, local) -> global(remote)
                .flatMap(a -> copy.stream().filter(p -> p.prefix().contains(a) && !p.thisEnd().equals(a)).findFirst())
                .map(PortPrefix::interfaceName)
                .orElseGet(() -> linkLocal(local));
    }

    private static Optional<Ipv6Address> global(InetSocketAddress remote) {
        InetAddress a = remote.getAddress();
        if (a instanceof Inet6Address six && !six.isLinkLocalAddress()) {
            return Optional.of(Ipv6Address.of(six));
        }
        return Optional.empty();
    }

    /** The interface of a link-local local address, from its scope. */
    private static String linkLocal(InetSocketAddress local) {
        if (local.getAddress() instanceof Inet6Address six && six.isLinkLocalAddress()) {
            try {
                NetworkInterface nif = six.getScopedInterface() != null ? six.getScopedInterface()
                        : NetworkInterface.getByIndex(six.getScopeId());
                if (nif != null) {
                    return nif.getName();
                }
            } catch (SocketException e) {
                return "unknown";
            }
        }
        return "unknown";
    }
}
