package io.kubermesh.benchmarks.boot;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.boot.dhcp6.Dhcp6Server;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the DHCPv6 server alone for a whole-process benchmark (scripts/dhcp6-perfdhcp.sh):
 * {@code Dhcp6Serve IDENTITY-MAC INTERFACE STATE-DIR} serves port 0 of the seed cluster's node
 * IDENTITY-MAC on INTERFACE until killed. Run it inside the server namespace.
 */
public final class Dhcp6Serve {
    private Dhcp6Serve() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: Dhcp6Serve IDENTITY-MAC INTERFACE STATE-DIR");
            System.exit(2);
        }
        var spec = ClusterConfig.seed();
        MacAddress node = MacAddress.parse(args[0]);
        Dhcp6Server server = Dhcp6Server.start(spec.boot(), node,
                Map.of(new io.kubermesh.addressing.AddressPlan(spec).port(node, 0), args[1]), Path.of(args[2]));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("ready");
        new CountDownLatch(1).await();
    }
}
