package io.kubermesh.boot.http;

import io.kubermesh.api.Ipv6Address;
import io.kubermesh.api.PortPrefix;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The ports this node serves now, and on which link each is: the {@link IngressResolver} of a
 * node. A client whose global address is in the pool of one of them came in on it (the TCP
 * handshake's answer went out that link, so the address cannot be borrowed from elsewhere in
 * the mesh); a client on a link-local address came in on the port served on that link. Anything
 * else (another node's pool, a host address, loopback) came in on none.
 */
public final class NodePorts implements IngressResolver {
    private record Served(PortPrefix port, String link) {
    }

    private final ConcurrentMap<Integer, Served> served = new ConcurrentHashMap<>();

    /** {@code port} is served on the interface {@code link}. */
    public void add(PortPrefix port, String link) {
        served.put(port.index(), new Served(port, link));
    }

    public void remove(int index) {
        served.remove(index);
    }

    public List<PortPrefix> ports() {
        return served.values().stream().map(Served::port).toList();
    }

    @Override
    public Optional<String> portOf(InetSocketAddress remote, InetSocketAddress local) {
        InetAddress a = remote.getAddress();
        if (!(a instanceof Inet6Address six)) {
            return Optional.empty();
        }
        if (!six.isLinkLocalAddress()) {
            Ipv6Address client = Ipv6Address.of(six);
            return served.values().stream()
                    .filter(s -> s.port().pool().contains(client))
                    .map(s -> s.port().interfaceName()).findFirst();
        }
        Optional<String> link = linkOf(local);
        return link.flatMap(l -> served.values().stream().filter(s -> s.link().equals(l))
                .map(s -> s.port().interfaceName()).findFirst());
    }

    /** The interface of a link-local local address, from its scope. */
    private static Optional<String> linkOf(InetSocketAddress local) {
        if (local.getAddress() instanceof Inet6Address six && six.isLinkLocalAddress()) {
            try {
                NetworkInterface nif = six.getScopedInterface() != null ? six.getScopedInterface()
                        : NetworkInterface.getByIndex(six.getScopeId());
                return Optional.ofNullable(nif).map(NetworkInterface::getName);
            } catch (SocketException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }
}
