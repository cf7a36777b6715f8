package io.kubermesh.provider.libvirt.xml;

import io.kubermesh.api.MacAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything a machine's domain XML is made of; a pure value, so the XML is a function of it.
 *
 * @param name the domain name (prefix + machine name)
 * @param description one line shown by {@code virsh desc}
 * @param kvm true for {@code <domain type='kvm'>}, false for TCG ({@code type='qemu'})
 * @param memoryMiB memory
 * @param vcpus virtual CPUs
 * @param firmware UEFI code, mapped read-only as pflash
 * @param nvramTemplate UEFI variables libvirt copies to {@code nvram} on the first start
 * @param nvram this machine's UEFI variables
 * @param disk the machine's own disk (raw, virtio)
 * @param deployImage the machine's copy of the deployment image, a USB drive booted first
 * @param ports the mesh ports in order: port i is NIC i
 * @param consoleLog where the serial console is logged (virtlogd writes it)
 * @param agentSocket the host end of the agent's virtio-serial channel
 * @param ipv4Pxe whether UEFI tries PXE over IPv4
 * @param ipv6Pxe whether UEFI tries PXE over IPv6
 * @param retryDrive a directory holding {@code startup.nsh}, attached read-only as a FAT USB drive
 *                   booted last: when every boot option failed OVMF starts its shell, which runs
 *                   the script, which resets the machine to try again (the seed's "unlimited
 *                   network boot attempts")
 */
public record DomainSpec(String name, String description, boolean kvm, int memoryMiB, int vcpus, Path firmware,
                         Path nvramTemplate, Path nvram, Path disk, Optional<Path> deployImage, List<Port> ports,
                         Path consoleLog, Path agentSocket, boolean ipv4Pxe, boolean ipv6Pxe,
                         Optional<Path> retryDrive, boolean networkFirst) {
    /** The name of the virtio-serial port the node agent serves its control endpoint on. */
    public static final String AGENT_CHANNEL = "io.kubermesh.agent.0";

    /** A machine whose disk boots before its ports (the seed's BIOS settings). */
    public DomainSpec(String name, String description, boolean kvm, int memoryMiB, int vcpus, Path firmware,
                      Path nvramTemplate, Path nvram, Path disk, Optional<Path> deployImage, List<Port> ports,
                      Path consoleLog, Path agentSocket, boolean ipv4Pxe, boolean ipv6Pxe, Optional<Path> retryDrive) {
        this(name, description, kvm, memoryMiB, vcpus, firmware, nvramTemplate, nvram, disk, deployImage, ports, consoleLog,
                agentSocket, ipv4Pxe, ipv6Pxe, retryDrive, false);
    }

    public DomainSpec {
        ports = List.copyOf(ports);
        for (int i = 0; i < ports.size(); i++) {
            if (ports.get(i).index() != i) {
                throw new IllegalArgumentException("port " + i + " of " + name + " has index " + ports.get(i).index());
            }
        }
    }

    /** One mesh port: a virtio NIC with the machine's MAC, or host hardware. */
    public record Port(int index, MacAddress mac, Backend backend) {
    }

    /** What is behind a port. */
    public sealed interface Backend permits Network, Direct, Usb {
    }

    /**
     * A tap {@code tap} on the bridge of libvirt network {@code network}: a cable's network, or the
     * idle network with the link down when the port has no cable.
     */
    public record Network(String network, String tap, boolean linkUp) implements Backend {
    }

    /** A host NIC through macvtap in passthrough mode. */
    public record Direct(String hostDevice, String tap) implements Backend {
    }

    /** A USB network adapter handed to the VM; it keeps its own MAC. */
    public record Usb(int vendor, int product) implements Backend {
    }
}
