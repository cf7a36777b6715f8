package io.kubermesh.boot.lab;

import io.kubermesh.boot.tftp.TftpServer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs kubermesh's boot servers inside a namespace for the ITs: {@code tftp-root=DIR iface=IF
 * [tftp-port=69] [http-state=DIR http-assets=DIR http-port=8080 http-boot-files=DIR] [dhcp6-identity=MAC dhcp6-state=DIR]}. Prints {@code READY} and
 * serves until killed.
 */
public final class LabServerMain {
    private LabServerMain() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int eq = s.indexOf('=');
            a.put(s.substring(0, eq), s.substring(eq + 1));
        }
        List<AutoCloseable> running = new ArrayList<>();
        String iface = a.getOrDefault("iface", NetnsLab.SERVER_IF);
        if (a.containsKey("tftp-root")) {
            running.add(TftpServer.onInterfaces(Path.of(a.get("tftp-root")), List.of(iface),
                    Integer.parseInt(a.getOrDefault("tftp-port", "69"))));
        }
        if (a.containsKey("http-state")) {
            running.add(LabHttp.start(a, iface));
        }
        if (a.containsKey("dhcp6-identity")) {
            // Router advertisements and DHCPv6 on iface as port 0 of the node with that identity.
            io.kubermesh.api.MacAddress node = io.kubermesh.api.MacAddress.parse(a.get("dhcp6-identity"));
            var spec = io.kubermesh.addressing.config.ClusterConfig.seed();
            Map<io.kubermesh.api.PortPrefix, String> port0 = Map.of(LabPorts.seedPort(node, 0), iface);
            running.add(io.kubermesh.boot.dhcp6.Dhcp6Server.start(spec.boot(), node, port0, Path.of(a.get("dhcp6-state"))));
            running.add(io.kubermesh.boot.ra.RouterAdvertiser.start(spec.boot(), port0));
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> running.forEach(c -> {
            try {
                c.close();
            } catch (Exception e) {
                // exiting anyway
            }
        })));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
