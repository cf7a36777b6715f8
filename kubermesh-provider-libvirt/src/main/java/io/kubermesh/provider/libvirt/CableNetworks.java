package io.kubermesh.provider.libvirt;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.provider.libvirt.xml.NetworkXml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The libvirt networks behind cables: one isolated two-port bridge per cable (see
 * {@link NetworkXml}), plus the idle network where ports without a cable wait with their link
 * down. A NIC whose link is down neither sends nor receives (qemu drops both ways), so idle ports
 * sharing a bridge cannot talk to each other.
 */
final class CableNetworks {
    private static final Logger LOG = LoggerFactory.getLogger(CableNetworks.class);
    private final Hypervisor hv;

    CableNetworks(Hypervisor hv) {
        this.hv = hv;
    }

    /** Defines and starts a network this lab owns; fails if one of that name exists already. */
    void create(String name) {
        if (hv.networkExists(name)) {
            throw new SubstrateException("network " + name + " exists but is not part of this lab; remove it with "
                    + "`virsh net-destroy " + name + "; virsh net-undefine " + name + "` if it is a leftover");
        }
        hv.defineNetwork(name, NetworkXml.render(name, name));
        try {
            ensureActive(name);
        } catch (RuntimeException e) {
            hv.removeNetwork(name);
            throw e;
        }
    }

    /** Starts the network if it is not running (after a host reboot) and tunes its bridge. */
    void ensureActive(String name) {
        if (hv.startNetwork(name)) {
            LOG.debug("network {} started", name);
        }
        disableMulticastSnooping(name);
    }

    void remove(String name) {
        if (hv.networkExists(name)) {
            hv.removeNetwork(name);
        }
    }

    /**
     * Lets every multicast frame through: with snooping on, a Linux bridge forwards a group's
     * traffic only to ports it saw an MLD report from, and firmware that sends a DHCPv6 Solicit
     * never reports anything.
     */
    static void disableMulticastSnooping(String bridge) {
        Path knob = Path.of("/sys/class/net", bridge, "bridge", "multicast_snooping");
        try {
            Files.writeString(knob, "0");
        } catch (IOException e) {
            throw new SubstrateException("cannot turn multicast snooping off on bridge " + bridge + " (" + knob + "): "
                    + e.getMessage(), e);
        }
    }
}
