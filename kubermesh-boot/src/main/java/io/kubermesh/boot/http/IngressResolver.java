package io.kubermesh.boot.http;

import io.kubermesh.api.PortPrefix;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Names the port of this node a request came in on ({@code clusterI}), or none. Secrets and
 * record changes are bound to this name, so it must only ever name a port of the node that
 * answers: a client in another node's port pool came in on none of ours, whatever its index.
 */
@FunctionalInterface
public interface IngressResolver {
    /** The port name for a connection from {@code remote} to {@code local}; empty when it came in on none of this node's ports. */
    Optional<String> portOf(InetSocketAddress remote, InetSocketAddress local);

    /** A node's ports given once (tests, a fixed set): each served on the link named as the port. */
    static IngressResolver fromPorts(List<PortPrefix> ports) {
        NodePorts n = new NodePorts();
        ports.forEach(p -> n.add(p, p.interfaceName()));
        return n;
    }
}
