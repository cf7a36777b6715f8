package io.kubermesh.provider.libvirt;

import io.kubermesh.api.MacAddress;
import io.kubermesh.provider.libvirt.LabState.StoredCable;
import io.kubermesh.provider.libvirt.LabState.StoredMachine;
import io.kubermesh.provider.libvirt.xml.DomainSpec;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Backend;
import io.kubermesh.provider.libvirt.xml.DomainSpec.Port;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds a machine's {@link DomainSpec} from the lab's state: its files, options and cables. */
final class DomainSpecs {
    private final LibvirtOptions options;
    private final Names names;
    private final LabFiles files;
    private final Path stateDirectory;

    DomainSpecs(LibvirtOptions options, Names names, LabFiles files, Path stateDirectory) {
        this.options = options;
        this.names = names;
        this.files = files;
        this.stateDirectory = stateDirectory;
    }

    DomainSpec of(StoredMachine m, List<StoredCable> cables) {
        List<Port> ports = new ArrayList<>();
        for (int i = 0; i < m.nics.size(); i++) {
            ports.add(new Port(i, MacAddress.parse(m.nics.get(i)), backend(m, i, cables)));
        }
        boolean v4 = options.pxe() != LibvirtOptions.Pxe.IPV6;
        boolean v6 = options.pxe() != LibvirtOptions.Pxe.IPV4;
        return new DomainSpec(names.domain(m.name),
                "kubermesh machine " + m.name + " of the lab in " + stateDirectory, m.kvm, options.memoryMiB(),
                options.vcpus(), options.firmware(), options.nvramTemplate(), files.nvram(m.name), files.disk(m.name),
                m.deployImage ? Optional.of(files.deployImage(m.name)) : Optional.empty(), ports,
                files.consoleLog(m.name), files.agentSocket(m.name), v4, v6,
                m.netboot && options.bootRetry() ? Optional.of(files.retryDrive()) : Optional.empty(),
                m.netboot && options.bootOrder() == LibvirtOptions.BootOrder.NETWORK_FIRST);
    }

    private Backend backend(StoredMachine m, int port, List<StoredCable> cables) {
        Optional<HostPort> host = options.hostPort(m.name, port);
        if (host.isPresent()) {
            HostPort h = host.get();
            return h.kind() == HostPort.Kind.DIRECT
                    ? new DomainSpec.Direct(h.device(), names.tap(m.index, port))
                    : new DomainSpec.Usb(h.vendor(), h.product());
        }
        String tap = names.tap(m.index, port);
        for (StoredCable c : cables) {
            if ((c.a.equals(m.name) && c.aPort == port) || (c.b.equals(m.name) && c.bPort == port)) {
                return new DomainSpec.Network(names.cableNetwork(c.id), tap, true);
            }
        }
        return new DomainSpec.Network(names.idleNetwork(), tap, false);
    }
}
