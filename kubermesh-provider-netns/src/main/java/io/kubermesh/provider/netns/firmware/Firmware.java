package io.kubermesh.provider.netns.firmware;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.routing.netlink.AddressFlag;
import io.kubermesh.routing.netlink.AddressLifetime;
import io.kubermesh.routing.netlink.Link;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.io.PrintStream;
import java.time.Duration;
import java.util.EnumSet;
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

    /** What the boot found: the port and the two leases. */
    public record Boot(String port, MacAddress mac, Dhcp6Client.Lease firmware, Dhcp6Client.Lease ipxe) {
    }

    private Firmware() {
    }

    public static Boot boot(Rtnetlink netlink, PrintStream console, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Link port = awaitCable(netlink, deadline);
        MacAddress mac = port.mac().orElseThrow();
        console.printf("firmware: link up on %s (%s), starting network boot%n", port.name(), mac);
        Dhcp6Client.Lease uefi = Dhcp6Client.lease(port.name(), Dhcp6Client.Stage.uefi(mac), remaining(deadline));
        console.printf("firmware: DHCPv6 (UEFI, arch 7, PXEClient): address %s, boot file %s%n", uefi.address(),
                uefi.bootFileUrl().orElse("(none)"));
        if (uefi.bootFileUrl().isEmpty()) {
            throw new SubstrateException("the DHCPv6 server on " + port.name() + " offered no boot file URL");
        }
        // The leased address, on-link as the router advertisement's /126 says.
        netlink.addAddress(port.name(), uefi.address(), 126, AddressLifetime.PERMANENT, EnumSet.of(AddressFlag.NODAD));
        Dhcp6Client.Lease ipxe = Dhcp6Client.lease(port.name(), Dhcp6Client.Stage.ipxe(mac), remaining(deadline));
        console.printf("firmware: DHCPv6 (iPXE, user class iPXE): address %s, script %s%n", ipxe.address(),
                ipxe.bootFileUrl().orElse("(none)"));
        // The operating system configures its own addresses from the plan: leave none behind.
        netlink.removeAddress(port.name(), uefi.address(), 126);
        return new Boot(port.name(), mac, uefi, ipxe);
    }

    private static Link awaitCable(Rtnetlink netlink, long deadline) {
        while (System.nanoTime() < deadline) {
            Optional<Link> up = netlink.links().stream().filter(l -> PORT.matcher(l.name()).matches())
                    .sorted(java.util.Comparator.comparing(Link::name))
                    .peek(l -> {
                        if (!l.up()) {
                            netlink.setUp(l.name(), true);
                        }
                    })
                    .filter(Link::lowerUp).findFirst();
            if (up.isPresent()) {
                return up.get();
            }
            try {
                Thread.sleep(100);
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
