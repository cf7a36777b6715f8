package io.kubermesh.provider.libvirt;

import io.kubermesh.api.SubstrateException;
import io.kubermesh.provider.libvirt.xml.NetworkXml;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
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
    /** Where the local libvirtd keeps per-network run state ({@code /run/libvirt/network}), if it is local. */
    static final Path LOCAL_RUN_STATE = Path.of("/run/libvirt/network");

    private final Hypervisor hv;
    private final Optional<Path> runState;

    /**
     * @param runState the local libvirtd's network run-state directory, or empty for a remote one
     */
    CableNetworks(Hypervisor hv, Optional<Path> runState) {
        this.hv = hv;
        this.runState = runState;
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

    /**
     * Stops and undefines the network. libvirt 9.0 leaves an empty {@code NAME/ports} directory in
     * its run state for every network it ever started; that goes too, if it holds nothing else.
     */
    void remove(String name) {
        if (hv.networkExists(name)) {
            hv.removeNetwork(name);
        }
        runState.map(dir -> dir.resolve(name)).filter(Files::isDirectory).ifPresent(CableNetworks::removeEmptyTree);
    }

    private static void removeEmptyTree(Path dir) {
        try (var walk = Files.walk(dir)) {
            List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
            if (all.stream().allMatch(Files::isDirectory)) {
                for (Path p : all) {
                    Files.delete(p);
                }
            } else {
                LOG.warn("libvirt's run state {} holds files after the network is gone; left as it is", dir);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove libvirt's run state {}: {}", dir, e.getMessage());
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
