package io.kubermesh.provider.netns.firmware;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.routing.netlink.AddressFlag;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.Link;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a blank lab machine runs when powered on, in place of real firmware: it waits for a cable,
 * then boots over the real protocols from the neighbour on the first cabled port (DHCPv6 as UEFI
 * PXE firmware, then as iPXE), printing each step on its console, and hands over to the
 * operating system (the agent). The neighbour's boot services see exactly what real firmware
 * would send them.
 */
public final class Firmware {
    private static final Pattern PORT = Pattern.compile("cluster\\d{1,2}");

    /**
     * What the boot found: the port, the two leases, the cluster file the Ignition config
     * carried (null when the server sent the machine to its disk), and the machine's credentials
     * from the Ignition config: file name under {@value #CREDENTIALS} to contents.
     */
    public record Boot(String port, MacAddress mac, Dhcp6Client.Lease firmware, Dhcp6Client.Lease ipxe, String clusterYaml,
                       java.util.Map<String, String> credentials) {
        public Boot {
            credentials = credentials == null ? java.util.Map.of() : java.util.Map.copyOf(credentials);
        }

        @Override
        public String toString() {
            return "Boot[" + port + ", " + mac + ", credentials " + credentials.keySet() + "]";
        }
    }

    /** Where an Ignition config puts a machine's credentials (the agent's default state directory's pki). */
    public static final String CREDENTIALS = "/var/lib/kubermesh/pki/";

    private Firmware() {
    }

    public static Boot boot(Rtnetlink netlink, PrintStream console, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Link port = awaitCable(netlink, console, deadline);
        MacAddress mac = port.mac().orElseThrow();
        step(console, "link up on %s (%s), starting network boot%n", port.name(), mac);
        // Firmware solicits from its link-local address once duplicate address detection passed
        // (EDK2: a random 0.2-1 s delay, then one probe and 1 s; the kernel here: 0-1 s, then 1 s).
        step(console, "link-local %s usable%n", Dhcp6Client.linkLocal(port.name(), remaining(deadline)).getHostAddress()
                .replaceAll("%.*$", ""));
        Dhcp6Client.Lease uefi = Dhcp6Client.lease(port.name(), Dhcp6Client.Stage.uefi(mac), remaining(deadline));
        step(console, "DHCPv6 (UEFI, arch 7, PXEClient): address %s, boot file %s%n", uefi.address(),
                uefi.bootFileUrl().orElse("(none)"));
        if (uefi.bootFileUrl().isEmpty()) {
            throw new SubstrateException("the DHCPv6 server on " + port.name() + " offered no boot file URL");
        }
        // The leased address, on-link as the router advertisement's /126 says.
        netlink.addAddress(port.name(), uefi.address(), 126, AddressLifetime.PERMANENT, EnumSet.of(AddressFlag.NODAD));
        URI bootFile = URI.create(uefi.bootFileUrl().get());
        long t0 = System.nanoTime();
        byte[] loader = TftpClient.read(new InetSocketAddress(bootFile.getHost().replaceAll("[\\[\\]]", ""), 
                bootFile.getPort() < 0 ? 69 : bootFile.getPort()), bootFile.getPath().substring(1), 1428, remaining(deadline));
        step(console, "TFTP %s: %d bytes in %d ms%n", bootFile, loader.length, (System.nanoTime() - t0) / 1_000_000);
        Dhcp6Client.Lease ipxe = Dhcp6Client.lease(port.name(), Dhcp6Client.Stage.ipxe(mac), remaining(deadline));
        step(console, "DHCPv6 (iPXE, user class iPXE): address %s, script %s%n", ipxe.address(),
                ipxe.bootFileUrl().orElse("(none)"));
        URI script = URI.create(ipxe.bootFileUrl().orElseThrow(() ->
                new SubstrateException("the DHCPv6 server gave iPXE no script URL")));
        IpxeChain chain = new IpxeChain();
        IpxeChain.Result result = chain.run(script, mac, uuid(mac));
        step(console, "iPXE chain: %s%n", result.machineScript().lines()
                .filter(l -> l.startsWith("kernel") || l.startsWith("echo")).findFirst().orElse("?"));
        if (result.fromDisk()) {
            // Installed before: the server sends it to its disk, never through the installer again.
            netlink.removeAddress(port.name(), uefi.address(), 126);
            step(console, "booting from disk%n");
            return new Boot(port.name(), mac, uefi, ipxe, null, null);
        }
        String cluster = result.file("/etc/kubermesh/cluster.yaml").orElseThrow(() ->
                new SubstrateException("the Ignition config has no /etc/kubermesh/cluster.yaml"));
        // the URL carries the machine's boot secret: the console shows that there is one, not what it is
        step(console, "Ignition %s: %d files, cluster.yaml %d bytes%n",
                result.ignitionUrl().toString().replaceAll("secret=[^&]*", "secret=<redacted>"),
                result.ignition().path("storage").path("files").size(), cluster.length());
        chain.phoneHome(script, mac, "installed");
        step(console, "phoned home: installed%n");
        // The operating system configures its own addresses from the plan: leave none behind.
        netlink.removeAddress(port.name(), uefi.address(), 126);
        java.util.Map<String, String> credentials = new java.util.TreeMap<>();
        for (String name : java.util.List.of("ca.crt", "node.crt", "node.key", "routing.key")) {
            result.file(CREDENTIALS + name).ifPresent(text -> credentials.put(name, text));
        }
        step(console, "credentials: %s%n", credentials.isEmpty() ? "none" : String.join(", ", credentials.keySet()));
        return new Boot(port.name(), mac, uefi, ipxe, cluster, credentials);
    }

    /**
     * One console line, {@code INSTANT firmware: ...}: the wall-clock instant (UTC, microseconds)
     * lets a benchmark split a join into its protocol steps (docs/performance.md).
     */
    public static void step(PrintStream console, String format, Object... args) {
        console.print(java.time.Instant.now() + " firmware: " + String.format(format, args));
        console.flush();
    }

    /** A stable SMBIOS-like UUID for a lab machine, from its MAC. */
    static String uuid(MacAddress mac) {
        return java.util.UUID.nameUUIDFromBytes(mac.toBytes()).toString();
    }

    /**
     * Turns every mesh NIC up that is down (the lab powers a netbooting machine on with its links
     * down: a NIC has no link until its firmware's driver starts it, and the neighbour sees carrier
     * from then), then waits for the first with carrier. The console's {@code NIC ... turned up}
     * line is the instant the cable comes up for the neighbour: a join is timed from there.
     */
    private static Link awaitCable(Rtnetlink netlink, PrintStream console, long deadline) {
        while (System.nanoTime() < deadline) {
            List<Link> ports = netlink.links().stream().filter(l -> PORT.matcher(l.name()).matches())
                    .sorted(java.util.Comparator.comparing(Link::name)).toList();
            Optional<Link> up = ports.stream().filter(l -> l.up() && l.lowerUp()).findFirst();
            if (up.isPresent()) {
                return up.get();
            }
            for (Link l : ports) {
                if (!l.up()) {
                    step(console, "NIC %s turned up%n", l.name());
                    netlink.setUp(l.name(), true);
                }
            }
            try {
                Thread.sleep(ports.stream().anyMatch(l -> !l.up()) ? 0 : 50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SubstrateException("interrupted waiting for a cable");
            }
        }
        throw new SubstrateException("no cable with carrier on any clusterI port before the boot timeout");
    }

    private static Duration remaining(long deadline) {
        return Duration.ofNanos(Math.max(1, deadline - System.nanoTime()));
    }
}
