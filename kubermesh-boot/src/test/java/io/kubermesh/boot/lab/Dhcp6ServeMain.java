package io.kubermesh.boot.lab;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.dhcp6.Dhcp6Server;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/** {@code Dhcp6ServeMain MAC INTERFACE STATE}: the server as its own process, for kill -9 tests. */
public final class Dhcp6ServeMain {
    private Dhcp6ServeMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        Dhcp6Server server = Dhcp6Server.start(ClusterConfig.seed().boot(), MacAddress.parse(args[0]),
                Map.of(LabPorts.seedPort(MacAddress.parse(args[0]), 0), args[1]), Path.of(args[2]));
        System.err.println("ready " + server.leases().size() + " leases");
        new CountDownLatch(1).await();
    }
}
