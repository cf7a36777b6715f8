package io.kubermesh.controlplane.node;

import io.etcd.jetcd.Client;
import io.kubermesh.addressing.ipam.Ipv4Allocator;
import io.kubermesh.api.Ipv4Pools;
import io.kubermesh.api.Ipv4Prefix;
import io.kubermesh.controlplane.etcd.EtcdAllocationStore;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's IPv4 address from the node pool, allocated once etcd answers at its anycast address
 * (ARCHITECTURE.md: first free address, keyed by identity, compare-and-set in etcd). The same
 * identity gets the same address every time, so a restarted node asks again and gets it back.
 */
public final class NodeIpv4 implements Predicate<Client> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeIpv4.class);

    private final String identity;
    private final Ipv4Pools pools;
    private volatile Optional<Ipv4Prefix> address = Optional.empty();

    /** @param identity the node's identity MAC as text: the allocation key */
    public NodeIpv4(String identity, Ipv4Pools pools) {
        this.identity = identity;
        this.pools = pools;
    }

    /** Allocates (or finds) the address; true once it has it. */
    @Override
    public boolean test(Client client) {
        if (address.isPresent()) {
            return true;
        }
        EtcdAllocationStore store = new EtcdAllocationStore(client, EtcdAllocationStore.DEFAULT_PREFIX, Duration.ofSeconds(5));
        Ipv4Prefix a = Ipv4Allocator.nodeAddresses(store, pools).allocate(identity);
        address = Optional.of(a);
        LOG.info("IPv4 node address {} for {} (from {} in etcd)", a.network(), identity, pools.nodePool());
        return true;
    }

    /** The address, once allocated. */
    public Optional<Ipv4Prefix> address() {
        return address;
    }
}
