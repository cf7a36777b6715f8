package io.kubermesh.provider.libvirt.xml;

import static io.kubermesh.provider.libvirt.xml.Xml.esc;

/**
 * The libvirt network of one cable: an isolated bridge (no {@code <forward>}, no {@code <ip>}, so
 * libvirt runs no dnsmasq, adds no firewall rule and turns IPv6 off on the bridge: the host takes no
 * part in the link) with STP off and no forwarding delay, so a port forwards the moment a VM's NIC
 * comes up. Two taps sit on it, one per cable end. Multicast snooping is a bridge setting libvirt
 * does not model; the substrate turns it off after starting the network, so router advertisements,
 * DHCPv6 and OSPFv3 multicast reach the other end whether or not anyone sent an MLD report.
 */
public final class NetworkXml {
    private NetworkXml() {
    }

    public static String render(String name, String bridge) {
        if (bridge.length() > 15) {
            throw new IllegalArgumentException("bridge name " + bridge + " is longer than 15 characters");
        }
        return "<network>\n"
                + "  <name>" + esc(name) + "</name>\n"
                + "  <bridge name='" + esc(bridge) + "' stp='off' delay='0'/>\n"
                + "</network>\n";
    }
}
