package io.kubermesh.boot.lab;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.http.BootHttpServer;
import io.kubermesh.boot.http.NodePorts;
import io.kubermesh.boot.machine.MachineService;
import io.kubermesh.boot.machine.MachineStore;
import io.kubermesh.boot.machine.ProfileCatalog;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/**
 * Starts the HTTP boot server for {@link LabServerMain} on {@code [::]:http-port}, ports of node {@code node=MAC},
 * serving the boot files of {@code http-boot-files=DIR} at the top level if given.
 */
final class LabHttp {
    private LabHttp() {
    }

    static AutoCloseable start(Map<String, String> a, String iface) {
        MacAddress node = MacAddress.parse(a.getOrDefault("node", "52:54:00:00:00:01"));
        // Port 0 is served on the lab's interface (a link-local client there came in on it); the
        // others on links named as the ports, which this lab does not have (their pools still count).
        NodePorts ports = new NodePorts();
        for (int i = 0; i < 8; i++) {
            PortPrefix p = LabPorts.seedPort(node, i);
            ports.add(p, i == 0 ? iface : p.interfaceName());
        }
        Path state = Path.of(a.get("http-state"));
        MachineService machines = new MachineService(new MachineStore(state), ProfileCatalog.load(state), Clock.systemUTC());
        Path bootFiles = a.containsKey("http-boot-files") ? Path.of(a.get("http-boot-files")) : null;
        return new BootHttpServer(ports, machines, Path.of(a.get("http-assets")), bootFiles,
                new InetSocketAddress("::", Integer.parseInt(a.getOrDefault("http-port", "8080"))));
    }
}
