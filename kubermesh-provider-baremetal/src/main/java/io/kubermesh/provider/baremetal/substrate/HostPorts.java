package io.kubermesh.provider.baremetal.substrate;

import com.fasterxml.jackson.databind.JsonNode;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.provider.baremetal.substrate.BaremetalState.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This host's NICs as the gateway's ports ({@code baremetal.ports=host}): which interface of this
 * host's network namespace has each inventory MAC and whether it is free to give away
 * ({@link #claim}), moved into the gateway's namespace as {@code clusterI} ({@link #moveIn}), and
 * moved back under its own name ({@link #giveBack}). Deleting a namespace would destroy a veth and
 * return a physical NIC under whatever name is free, so ports are always given back first.
 *
 * <p>Read through {@code ip -j}: {@link io.kubermesh.routing.netlink.Rtnetlink} lists links with
 * their MACs but not a link's master, IPv4 addresses or the routes of every table, and cannot
 * rename a link as it moves it.
 */
final class HostPorts {
    /** Link kinds that are a NIC or stand for one (a veth is how a container or a test cables a machine). */
    private static final Set<String> NIC_KINDS = Set.of("", "veth");
    /** Kinds whose lower link is in use by them. */
    private static final Set<String> STACKED_KINDS = Set.of("vlan", "macvlan", "macvtap", "ipvlan", "ipvtap");

    private HostPorts() {
    }

    /** An interface as {@code ip -j -d link show} reports it. */
    record Interface(String name, Optional<MacAddress> mac, boolean up, boolean loopback, String linkType, Optional<String> master,
                     String kind, Optional<String> lower) {
        static Interface of(JsonNode j) {
            List<String> flags = new ArrayList<>();
            j.path("flags").forEach(f -> flags.add(f.asText()));
            String address = j.path("address").asText("");
            Optional<MacAddress> mac = Optional.empty();
            if (address.matches("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}")) {
                mac = Optional.of(MacAddress.parse(address));
            }
            return new Interface(j.path("ifname").asText(), mac, flags.contains("UP"), flags.contains("LOOPBACK"),
                    j.path("link_type").asText(""), text(j, "master"), j.path("linkinfo").path("info_kind").asText(""), text(j, "link"));
        }

        private static Optional<String> text(JsonNode j, String field) {
            return j.hasNonNull(field) ? Optional.of(j.get(field).asText()) : Optional.empty();
        }

        @Override
        public String toString() {
            return name + " " + mac.map(MacAddress::toString).orElse("(no MAC)");
        }
    }

    /** The interfaces of this process's network namespace, or of {@code netns}. */
    static List<Interface> list(Optional<String> netns) {
        List<String> args = new ArrayList<>();
        netns.ifPresent(n -> args.addAll(List.of("-n", n)));
        args.addAll(List.of("-d", "link", "show"));
        List<Interface> out = new ArrayList<>();
        IpCommand.json(args.toArray(String[]::new)).forEach(j -> out.add(Interface.of(j)));
        return out;
    }

    /**
     * The interface of this host with each MAC, in the order given (port {@code i} is {@code nics[i]}),
     * once every one of them is judged free to become a mesh port: only a NIC (or a veth), no member
     * of a bridge or bond, nothing stacked on it, none of this host's addresses (IPv4, global IPv6)
     * and no route through it. Nothing is changed; one refusal names every NIC that is not free.
     */
    static List<HostPort> claim(List<MacAddress> nics) {
        List<Interface> host = list(Optional.empty());
        List<String> refused = new ArrayList<>();
        List<HostPort> ports = new ArrayList<>();
        for (int i = 0; i < nics.size(); i++) {
            MacAddress mac = nics.get(i);
            String which = "the gateway's NIC " + i + " (" + mac + ")";
            List<Interface> having = host.stream().filter(x -> x.mac().equals(Optional.of(mac))).toList();
            if (having.isEmpty()) {
                refused.add(which + " is no interface of this host (its interfaces: " + String.join(", ",
                        host.stream().map(Interface::toString).toList()) + "); name this host's NICs in the gateway's nics in "
                        + "site.yaml, or set " + BaremetalSubstrateProvider.PORTS + "=tap to make a tap per NIC for VMs instead");
                continue;
            }
            if (having.size() > 1) {
                refused.add(which + " is the MAC of several interfaces of this host (" + names(having) + "); a mesh port must be "
                        + "a NIC of its own, nothing stacked on it");
                continue;
            }
            Interface nic = having.get(0);
            Optional<String> why = unsafe(nic, host);
            if (why.isPresent()) {
                refused.add(which + " is " + nic.name() + " on this host, which " + why.get());
                continue;
            }
            ports.add(HostPort.of(nic.name(), mac, i, nic.up()));
        }
        if (!refused.isEmpty()) {
            throw new SubstrateException("the gateway cannot take this host's NICs as its ports, so none was moved: "
                    + String.join("; ", refused));
        }
        return ports;
    }

    /** Why {@code nic} must not leave this host's namespace, with what to do; empty if it is free. */
    private static Optional<String> unsafe(Interface nic, List<Interface> host) {
        if (nic.loopback() || !"ether".equals(nic.linkType())) {
            return Optional.of("is a " + (nic.loopback() ? "loopback" : nic.linkType()) + " link, not an Ethernet NIC; name a "
                    + "free Ethernet NIC in site.yaml");
        }
        if (!NIC_KINDS.contains(nic.kind())) {
            return Optional.of("is a " + nic.kind() + " link, not a NIC; name the NIC itself in site.yaml");
        }
        if (nic.master().isPresent()) {
            return Optional.of("is a member of " + nic.master().get() + "; take it out (ip link set dev " + nic.name()
                    + " nomaster) or name a free NIC in site.yaml");
        }
        List<Interface> stacked = host.stream().filter(x -> STACKED_KINDS.contains(x.kind()))
                .filter(x -> x.lower().equals(Optional.of(nic.name()))).toList();
        if (!stacked.isEmpty()) {
            return Optional.of("carries " + names(stacked) + "; remove them or name a free NIC in site.yaml");
        }
        List<String> addresses = new ArrayList<>();
        for (JsonNode link : IpCommand.json("addr", "show", "dev", nic.name())) {
            for (JsonNode a : link.path("addr_info")) {
                boolean v4 = "inet".equals(a.path("family").asText());
                if (v4 || "global".equals(a.path("scope").asText())) {
                    addresses.add(a.path("local").asText() + "/" + a.path("prefixlen").asText());
                }
            }
        }
        List<String> routes = new ArrayList<>();
        for (String family : List.of("-4", "-6")) {
            for (JsonNode r : IpCommand.json(family, "route", "show", "table", "all", "dev", nic.name())) {
                String type = r.path("type").asText("unicast");
                String dst = r.path("dst").asText("");
                // The kernel's own routes of any link (link-local, multicast, local and broadcast) say nothing about use.
                if (type.equals("unicast") && !dst.equals("fe80::/64")) {
                    routes.add(dst + (r.hasNonNull("gateway") ? " via " + r.get("gateway").asText() : "")
                            + (r.hasNonNull("table") ? " table " + r.get("table").asText() : ""));
                }
            }
        }
        if (!addresses.isEmpty() || !routes.isEmpty()) {
            return Optional.of("this host uses (" + (addresses.isEmpty() ? "" : "addresses " + String.join(", ", addresses))
                    + (addresses.isEmpty() || routes.isEmpty() ? "" : "; ") + (routes.isEmpty() ? "" : "routes " + String.join(", ", routes))
                    + "): moved into the gateway's namespace, this host would lose them; name a free NIC in site.yaml, or free this "
                    + "one (ip address flush dev " + nic.name() + ", and its routes) if nothing needs it");
        }
        return Optional.empty();
    }

    /** Moves the recorded NIC into {@code netns}, renamed {@code clusterI} in the same step (the kernel takes it down). */
    static void moveIn(HostPort port, String netns) {
        IpCommand.run("link", "set", "dev", port.name, "netns", netns, "name", PortPrefix.interfaceName(port.port));
    }

    /**
     * Moves every recorded NIC found in {@code netns} (by its MAC) back into this process's namespace
     * under its own name, up again if it was. A NIC already here under its name (never moved, or
     * back already) is left as it is, and one here under another name (the kernel's, after its
     * namespace went) is renamed. Throws, naming each, if a NIC in {@code netns} cannot come back,
     * so the caller keeps the namespace (deleting it would destroy a veth or rename a NIC); returns
     * the NICs that were found nowhere or could not be renamed, each with what to do.
     */
    static List<String> giveBack(List<HostPort> ports, String netns) {
        String here = Long.toString(ProcessHandle.current().pid());
        List<Interface> inside = io.kubermesh.routing.netlink.NetworkNamespaces.exists(netns) ? list(Optional.of(netns)) : List.of();
        List<String> stuck = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (HostPort p : ports) {
            Optional<MacAddress> mac = Optional.of(MacAddress.parse(p.mac));
            Optional<Interface> in = inside.stream().filter(x -> x.mac().equals(mac)).findFirst();
            if (in.isPresent()) {
                try {
                    IpCommand.run("-n", netns, "link", "set", "dev", in.get().name(), "netns", here, "name", p.name);
                } catch (SubstrateException e) {
                    stuck.add(p + ": " + e.getMessage());
                    continue;
                }
                upAgain(p, problems);
                continue;
            }
            List<Interface> host = list(Optional.empty()).stream().filter(x -> x.mac().equals(mac)).toList();
            if (host.stream().anyMatch(x -> x.name().equals(p.name))) {
                continue;
            }
            if (host.size() == 1) {
                try {
                    IpCommand.run("link", "set", "dev", host.get(0).name(), "down");
                    IpCommand.run("link", "set", "dev", host.get(0).name(), "name", p.name);
                    upAgain(p, problems);
                } catch (SubstrateException e) {
                    problems.add(p + " is back on this host as " + host.get(0).name() + " but could not be renamed (" + e.getMessage()
                            + "); rename it yourself: ip link set dev " + host.get(0).name() + " name " + p.name);
                }
                continue;
            }
            problems.add(p + " is neither in namespace " + netns + " nor on this host" + (host.isEmpty() ? "" : " as one interface ("
                    + names(host) + " have its MAC)") + "; it was given back or removed by someone else: look for it with "
                    + "`ip -br link` here and in `ip netns list`");
        }
        if (!stuck.isEmpty()) {
            throw new SubstrateException("could not give this host's NICs back from the gateway's namespace " + netns + ", so it is "
                    + "kept (deleting it would destroy a veth or rename a NIC): " + String.join("; ", stuck)
                    + "; make their names free on this host (ip -br link), then run down again");
        }
        return problems;
    }

    private static void upAgain(HostPort p, List<String> problems) {
        if (p.up) {
            try {
                IpCommand.run("link", "set", "dev", p.name, "up");
            } catch (SubstrateException e) {
                problems.add(p + " is back but not up as it was (" + e.getMessage() + "): ip link set dev " + p.name + " up");
            }
        }
    }

    private static String names(List<Interface> interfaces) {
        return String.join(", ", interfaces.stream().map(Interface::name).toList());
    }
}
