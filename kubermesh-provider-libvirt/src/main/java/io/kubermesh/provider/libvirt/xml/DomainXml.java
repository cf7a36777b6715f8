package io.kubermesh.provider.libvirt.xml;

import static io.kubermesh.provider.libvirt.xml.Xml.esc;

import io.kubermesh.provider.libvirt.xml.DomainSpec.Direct;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Network;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Port;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Usb;

/**
 * The libvirt domain XML of a machine: a q35 VM with UEFI (OVMF, its own variable store), one
 * disk, its mesh ports in order, a serial console on a pty that virtlogd also logs, and the agent's
 * virtio-serial channel.
 *
 * <p>Boot order follows the seed's BIOS settings for real hardware ("boot network devices last;
 * unlimited network boot attempts"): the deployment USB drive if there is one, then the disk,
 * then every port. A blank disk holds no boot loader, so firmware falls through to the network;
 * once a machine has installed itself its disk boots first, so a revived machine boots what it
 * installed without asking the network. Every port gets a boot entry because a machine netboots
 * from whichever neighbour its cable reaches (OVMF drops boot options the boot order does not
 * name). When everything failed, the retry drive's script resets the machine and it starts over.
 * {@link DomainSpec#networkFirst()} puts the ports before the disk instead, as a machine whose
 * firmware boots the network first: an installed machine then asks its neighbour, whose iPXE
 * script sends it on to its disk.
 * Option ROMs are off: OVMF's own virtio-net driver does the network boot, as a real
 * machine's UEFI network stack would, rather than an iPXE ROM from the host.
 */
public final class DomainXml {
    private DomainXml() {
    }

    public static String render(DomainSpec d) {
        StringBuilder x = new StringBuilder();
        x.append("<domain type='").append(d.kvm() ? "kvm" : "qemu").append("'>\n");
        x.append("  <name>").append(esc(d.name())).append("</name>\n");
        x.append("  <description>").append(esc(d.description())).append("</description>\n");
        x.append("  <memory unit='MiB'>").append(d.memoryMiB()).append("</memory>\n");
        x.append("  <vcpu>").append(d.vcpus()).append("</vcpu>\n");
        // OVMF's fw_cfg knobs choose the PXE families; without them it tries IPv4 first on every port.
        // With no IPv4 PXE the IPv4 stack goes too, or OVMF still tries UEFI HTTP boot over IPv4
        // (a DHCPv4 wait) on every port before the next one.
        x.append("  <sysinfo type='fwcfg'>\n");
        x.append("    <entry name='opt/org.tianocore/IPv4Support'>").append(d.ipv4Pxe() ? "y" : "n").append("</entry>\n");
        x.append("    <entry name='opt/org.tianocore/IPv4PXESupport'>").append(d.ipv4Pxe() ? "y" : "n").append("</entry>\n");
        x.append("    <entry name='opt/org.tianocore/IPv6PXESupport'>").append(d.ipv6Pxe() ? "y" : "n").append("</entry>\n");
        x.append("  </sysinfo>\n");
        x.append("  <os>\n");
        x.append("    <type arch='x86_64' machine='q35'>hvm</type>\n");
        x.append("    <loader readonly='yes' type='pflash'>").append(esc(d.firmware())).append("</loader>\n");
        x.append("    <nvram template='").append(esc(d.nvramTemplate())).append("'>").append(esc(d.nvram()))
                .append("</nvram>\n");
        x.append("  </os>\n");
        x.append("  <features>\n    <acpi/>\n  </features>\n");
        if (d.kvm()) {
            x.append("  <cpu mode='host-passthrough'/>\n");
        }
        x.append("  <clock offset='utc'/>\n");
        x.append("  <on_poweroff>destroy</on_poweroff>\n");
        x.append("  <on_reboot>restart</on_reboot>\n");
        x.append("  <on_crash>destroy</on_crash>\n");
        x.append("  <devices>\n");
        x.append("    <controller type='usb' model='qemu-xhci'/>\n");
        if (d.deployImage().isPresent()) {
            x.append("    <disk type='file' device='disk'>\n");
            x.append("      <driver name='qemu' type='raw'/>\n");
            x.append("      <source file='").append(esc(d.deployImage().get())).append("'/>\n");
            x.append("      <target dev='sda' bus='usb' removable='on'/>\n");
            x.append("      <boot order='1'/>\n");
            x.append("    </disk>\n");
        }
        x.append("    <disk type='file' device='disk'>\n");
        x.append("      <driver name='qemu' type='raw' discard='unmap'/>\n");
        x.append("      <source file='").append(esc(d.disk())).append("'/>\n");
        x.append("      <target dev='vda' bus='virtio'/>\n");
        x.append("      <boot order='").append(diskOrder(d)).append("'/>\n");
        x.append("    </disk>\n");
        for (Port p : d.ports()) {
            x.append(port(p, bootOrder(d, p.index()), "    "));
        }
        if (d.retryDrive().isPresent()) {
            // OVMF connects only the devices its boot order names, so the drive needs an entry to be
            // seen by the shell at all; it holds no boot loader, so booting it fails like the rest.
            x.append("    <disk type='dir' device='disk'>\n");
            x.append("      <driver name='qemu' type='fat'/>\n");
            x.append("      <source dir='").append(esc(d.retryDrive().get())).append("'/>\n");
            x.append("      <target dev='sdb' bus='usb'/>\n");
            x.append("      <readonly/>\n");
            x.append("      <boot order='").append(d.networkFirst() ? diskOrder(d) + 1 : bootOrder(d, d.ports().size()))
                    .append("'/>\n");
            x.append("    </disk>\n");
        }
        x.append("    <serial type='pty'>\n");
        x.append("      <log file='").append(esc(d.consoleLog())).append("' append='on'/>\n");
        x.append("      <target port='0'/>\n");
        x.append("    </serial>\n");
        x.append("    <console type='pty'>\n      <target type='serial' port='0'/>\n    </console>\n");
        x.append("    <channel type='unix'>\n");
        x.append("      <source mode='bind' path='").append(esc(d.agentSocket())).append("'/>\n");
        x.append("      <target type='virtio' name='").append(DomainSpec.AGENT_CHANNEL).append("'/>\n");
        x.append("    </channel>\n");
        x.append("    <rng model='virtio'>\n      <backend model='random'>/dev/urandom</backend>\n    </rng>\n");
        x.append("    <memballoon model='none'/>\n");
        x.append("  </devices>\n");
        x.append("</domain>\n");
        return x.toString();
    }

    /**
     * The {@code <interface>} of a network port as {@code updateDeviceFlags} takes it: libvirt
     * finds the device by its MAC and applies the new source network and link state; the rest
     * must equal what the domain has.
     */
    public static String networkInterface(DomainSpec d, int port) {
        Port p = d.ports().get(port);
        if (!(p.backend() instanceof Network)) {
            throw new IllegalArgumentException("port " + port + " of " + d.name() + " is not cabled through a network");
        }
        return port(p, bootOrder(d, port), "");
    }

    /**
     * The boot order of a port, in port order with USB adapters skipped: after the USB image and
     * the disk, or (network first) after the USB image only; with the disk first, port N is the
     * retry drive.
     */
    private static int bootOrder(DomainSpec d, int port) {
        return (d.deployImage().isPresent() ? 2 : 1) + (d.networkFirst() ? 0 : 1) + bootablePorts(d, port);
    }

    /** The disk's boot order: right after the USB image, or (network first) after every port. */
    private static int diskOrder(DomainSpec d) {
        return (d.deployImage().isPresent() ? 2 : 1) + (d.networkFirst() ? bootablePorts(d, d.ports().size()) : 0);
    }

    private static int bootablePorts(DomainSpec d, int below) {
        int n = 0;
        for (int i = 0; i < below; i++) {
            if (!(d.ports().get(i).backend() instanceof Usb)) {
                n++;
            }
        }
        return n;
    }

    private static String port(Port p, int bootOrder, String in) {
        StringBuilder x = new StringBuilder();
        String boot = in + "  <boot order='" + bootOrder + "'/>\n";
        if (p.backend() instanceof Network n) {
            x.append(in).append("<interface type='network'>\n");
            x.append(in).append("  <mac address='").append(p.mac()).append("'/>\n");
            x.append(in).append("  <source network='").append(esc(n.network())).append("'/>\n");
            x.append(in).append("  <target dev='").append(esc(n.tap())).append("'/>\n");
            x.append(in).append("  <model type='virtio'/>\n");
            x.append(in).append("  <link state='").append(n.linkUp() ? "up" : "down").append("'/>\n");
            x.append(in).append("  <rom enabled='no'/>\n");
            x.append(boot);
            x.append(in).append("</interface>\n");
        } else if (p.backend() instanceof Direct h) {
            x.append(in).append("<interface type='direct'>\n");
            x.append(in).append("  <mac address='").append(p.mac()).append("'/>\n");
            x.append(in).append("  <source dev='").append(esc(h.hostDevice())).append("' mode='passthrough'/>\n");
            x.append(in).append("  <target dev='").append(esc(h.tap())).append("'/>\n");
            x.append(in).append("  <model type='virtio'/>\n");
            x.append(in).append("  <rom enabled='no'/>\n");
            x.append(boot);
            x.append(in).append("</interface>\n");
        } else if (p.backend() instanceof Usb u) {
            // OVMF has no driver for USB network adapters, so this port gets no boot entry.
            x.append(in).append("<hostdev mode='subsystem' type='usb' managed='yes'>\n");
            x.append(in).append("  <source>\n");
            x.append(in).append(String.format("    <vendor id='0x%04x'/>%n", u.vendor()));
            x.append(in).append(String.format("    <product id='0x%04x'/>%n", u.product()));
            x.append(in).append("  </source>\n");
            x.append(in).append("</hostdev>\n");
        }
        return x.toString();
    }
}
