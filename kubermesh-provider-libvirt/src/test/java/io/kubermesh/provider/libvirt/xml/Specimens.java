package io.kubermesh.provider.libvirt.xml;

import io.kubermesh.api.MacAddress;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Direct;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Network;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Port;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Usb;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** The domain specs the golden files were written from. */
final class Specimens {
    private Specimens() {
    }

    /** A blank machine that netboots: port 0 cabled, port 1 idle, the retry drive, TCG. */
    static DomainSpec netboot() {
        Path dir = Path.of("/var/lib/km/lab/libvirt/node1");
        return new DomainSpec("kmlab-node1", "kubermesh machine node1 of the lab in /var/lib/km/lab", false, 2048, 1,
                Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"),
                dir.resolve("nvram.fd"), dir.resolve("disk.raw"), Optional.empty(),
                List.of(new Port(0, MacAddress.parse("52:54:00:12:00:00"), new Network("kmlab-c1", "kmlab-m2p0", true)),
                        new Port(1, MacAddress.parse("52:54:00:12:00:01"), new Network("kmlab-idle", "kmlab-m2p1", false))),
                dir.resolve("console.log"), dir.resolve("agent.sock"), false, true,
                Optional.of(Path.of("/var/lib/km/lab/libvirt/retry")));
    }

    /** The same machine with its firmware booting the network before its disk. */
    static DomainSpec netbootNetworkFirst() {
        DomainSpec d = netboot();
        return new DomainSpec(d.name(), d.description(), d.kvm(), d.memoryMiB(), d.vcpus(), d.firmware(), d.nvramTemplate(),
                d.nvram(), d.disk(), d.deployImage(), d.ports(), d.consoleLog(), d.agentSocket(), d.ipv4Pxe(), d.ipv6Pxe(),
                d.retryDrive(), true);
    }

    /** The deployed gateway under KVM: its USB image, a host NIC on port 1, a USB adapter on port 2, port 3 cabled. */
    static DomainSpec deployed() {
        Path dir = Path.of("/var/lib/km/lab/libvirt/gateway");
        return new DomainSpec("kmlab-gateway", "kubermesh machine gateway of the lab in /var/lib/km/lab", true, 4096, 2,
                Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"), Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"),
                dir.resolve("nvram.fd"), dir.resolve("disk.raw"), Optional.of(dir.resolve("deploy.img")),
                List.of(new Port(0, MacAddress.parse("52:54:00:11:00:00"), new Network("kmlab-c1", "kmlab-m1p0", true)),
                        new Port(1, MacAddress.parse("52:54:00:11:00:01"), new Direct("enp3s0", "kmlab-m1p1")),
                        new Port(2, MacAddress.parse("52:54:00:11:00:02"), new Usb(0x0bda, 0x8153)),
                        new Port(3, MacAddress.parse("52:54:00:11:00:03"), new Network("kmlab-c2", "kmlab-m1p3", true))),
                dir.resolve("console.log"), dir.resolve("agent.sock"), true, true, Optional.empty());
    }
}
