package io.kubermesh.provider.libvirt;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.libvirt.LabState.StoredCable;
import io.kubermesh.provider.libvirt.LabState.StoredMachine;
import io.kubermesh.provider.libvirt.xml.DomainXml;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Making and cutting cables in a lab's state and in libvirt. A cable is made by creating its
 * network and pointing both NICs at it with their links up; it is cut by pointing both back at the
 * idle network with their links down (each end separately: one end's link state does not drop the
 * other's carrier) and removing the network. Each NIC change applies to the running VM and to its
 * definition together. The caller saves the state.
 */
final class Cabling {
    private static final Logger LOG = LoggerFactory.getLogger(Cabling.class);
    private final LabState state;
    private final LibvirtOptions options;
    private final Names names;
    private final Hypervisor hv;
    private final CableNetworks networks;
    private final DomainSpecs specs;

    Cabling(LabState state, LibvirtOptions options, Names names, Hypervisor hv, CableNetworks networks, DomainSpecs specs) {
        this.state = state;
        this.options = options;
        this.names = names;
        this.hv = hv;
        this.networks = networks;
        this.specs = specs;
    }

    /** Makes the cable's network and moves both ends onto it, links up; undoes it all if a step fails. */
    void connect(PortRef a, PortRef b) {
        StoredMachine ma = state.port(a);
        StoredMachine mb = state.port(b);
        if (a.machine().equals(b.machine())) {
            throw new SubstrateException("a cable joins two different machines, not " + a + " and " + b);
        }
        for (PortRef end : List.of(a, b)) {
            state.cableAt(end).ifPresent(c -> {
                throw new SubstrateException("port " + end + " already has a cable (" + c.a + ":" + c.aPort + "-" + c.b
                        + ":" + c.bPort + ")");
            });
            options.hostPort(end.machine(), end.port()).ifPresent(h -> {
                throw new SubstrateException("port " + end + " is the host's " + h.deviceText() + " (libvirt.hostPorts); it takes no cable");
            });
        }
        if (state.nextCable > Names.MAX_CABLE_ID) {
            throw new SubstrateException("this lab has made " + Names.MAX_CABLE_ID + " cables, the most its bridge names allow");
        }
        StoredCable c = new StoredCable();
        c.id = state.nextCable;
        c.a = a.machine();
        c.aPort = a.port();
        c.b = b.machine();
        c.bPort = b.port();
        String network = names.cableNetwork(c.id);
        networks.create(network);
        state.nextCable++;
        state.cables.add(c);
        try {
            plug(ma, a.port());
            plug(mb, b.port());
        } catch (RuntimeException e) {
            state.cables.remove(c);
            unplugQuietly(ma, a.port());
            unplugQuietly(mb, b.port());
            networks.remove(network);
            throw e;
        }
        LOG.info("cable {} - {} (network {})", a, b, network);
    }

    /** Moves both ends to the idle network, links down, and removes the cable's network. */
    void disconnect(PortRef a, PortRef b) {
        StoredCable c = state.cableAt(a).filter(x -> LabState.touches(x, b))
                .orElseThrow(() -> new SubstrateException("there is no cable between " + a + " and " + b));
        state.cables.remove(c);
        plug(state.machine(c.a), c.aPort);
        plug(state.machine(c.b), c.bPort);
        networks.remove(names.cableNetwork(c.id));
        LOG.info("cable {} - {} cut", a, b);
    }

    /** Points a port's NIC at its cable's network with the link up, or at the idle network with the link down. */
    private void plug(StoredMachine m, int port) {
        hv.updateDevice(names.domain(m.name), DomainXml.networkInterface(specs.of(m, state.cables), port));
    }

    private void unplugQuietly(StoredMachine m, int port) {
        try {
            plug(m, port);
        } catch (RuntimeException e) {
            LOG.warn("could not return {}:{} to the idle network: {}", m.name, port, e.getMessage());
        }
    }
}
