package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.lab.Lab;
import io.kubermesh.lab.MachineView;
import io.kubermesh.provider.baremetal.Sites;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.spi.SubstrateProvider;
import io.kubermesh.testkit.bmc.HostTools;
import io.kubermesh.testkit.bmc.IpmiSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The lab's {@code up} on a site ({@link Lab#upSite}): the machines and cables of a site inventory,
 * the gateway's agent on this host (namespace {@code kmbml-gw}), node1 a qemu VM behind a real BMC
 * ({@code ipmi_sim}) whose NIC is the gateway's tap {@code cluster0}. The gateway joins; node1 is
 * powered on through its BMC and network-boots from the gateway, its steps shown from its
 * Serial-over-LAN console; it runs iPXE from the NIC's ROM, not the node OS (building that image
 * and booting it under TCG takes minutes), so its agent never answers and {@code up} fails at the
 * boot time-out, naming node1, where the gateway looked for its agent, and its last boot step.
 * {@code down} then powers node1 off through its BMC and leaves nothing behind.
 */
class BaremetalLabIT {
    private static final String NETNS = "kmbml-gw";
    private static final String GATEWAY_MAC = "52:54:00:6b:6c:00";
    private static final String NODE_MAC = "52:54:00:6b:6c:01";
    private static final String PASSWORD = "kmbml-Ipmi-2.0!";
    private static final int BOOT_SECONDS = 45;

    @Test
    void upPowersTheSiteOnFromTheGatewayAndAMachineThatDoesNotJoinIsNamedWithItsLastBootStep() throws Exception {
        HostTools.requireSiteLab();
        assertThat(NetworkNamespaces.exists(NETNS)).as("a leftover namespace " + NETNS).isFalse();
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("kmbml-site");
        // The lab directory below it must be reachable by the routing daemons' user (the site's password file stays 0600).
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
        IpmiSimulator bmc = null;
        Lab lab = null;
        List<String> progress = new CopyOnWriteArrayList<>();
        try {
            bmc = Sites.gatewayAndNode1(dir, "kmbml", NETNS, GATEWAY_MAC, NODE_MAC, PASSWORD);
            SubstrateProvider provider = ServiceLoader.load(SubstrateProvider.class).stream().map(ServiceLoader.Provider::get)
                    .filter(p -> p.name().equals("baremetal")).findFirst().orElseThrow();
            String seed;
            try (var in = ClusterConfig.class.getResourceAsStream("seed.yaml")) {
                seed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            lab = Lab.create(dir.resolve("lab"), seed, provider, Map.of("site", dir.resolve("site.yaml").toString(),
                    "baremetal.netns", NETNS, "baremetal.ports", "tap", "baremetal.soft-off", "2",
                    "baremetal.boot-timeout", String.valueOf(BOOT_SECONDS)),
                    line -> {
                        progress.add(line.replaceFirst("^\\[ *[0-9.]+s\\] ", ""));
                        System.out.println("up | " + line);
                    });
            String node1Host = new AddressPlan(ClusterConfig.seed()).host(MacAddress.parse(NODE_MAC)).toString();
            Lab up = lab;
            SubstrateException failed = org.junit.jupiter.api.Assertions.assertThrows(SubstrateException.class, up::upSite);
            System.out.println("up failed: " + failed.getMessage());
            assertThat(failed).hasMessageContaining("node1: its agent did not answer within " + BOOT_SECONDS + " s")
                    .hasMessageContaining("cannot reach the agent control at [" + node1Host + "]:7441")
                    .hasMessageContaining("node1's last boot step: ");
            System.out.printf("up failed as expected at %.1f s%n", seconds(started));
            // The site's machines with their own NICs, the gateway first and joined, then node1 powered on through its BMC,
            // its boot steps read live from its Serial-over-LAN console.
            assertThat(progress).contains("gateway: added (" + GATEWAY_MAC + ", 1 port)", "node1: added (" + NODE_MAC + ", 1 port)");
            assertThat(progress).anyMatch(l -> l.startsWith("gateway: joined in"));
            assertThat(progress).anyMatch(l -> l.startsWith("node1: ") && l.contains("Filename:") && l.contains("boot.ipxe"));
            assertThat(bmc.chassis().starts()).containsExactly("boot=pxe");
            assertThat(bmc.ipmitool("chassis", "power", "status")).contains("Chassis Power is on");
            List<MachineView> status = lab.status();
            assertThat(status).extracting(MachineView::name).containsExactly("gateway", "node1");
            assertThat(status.get(0).state()).isEqualTo("joined");
            assertThat(status.get(0).identity()).isEqualTo(GATEWAY_MAC);
            assertThat(status.get(1).state()).as("powered, no agent answers").isEqualTo("unreachable");
        } finally {
            if (lab != null) {
                lab.down();
            }
            if (bmc != null) {
                System.out.println("node1 after down: " + bmc.ipmitool("chassis", "power", "status").strip());
                assertThat(bmc.ipmitool("chassis", "power", "status")).as("down powers off what up powered on")
                        .contains("Chassis Power is off");
                bmc.close();
            }
            HostTools.deleteTree(dir);
            System.out.printf("BaremetalLabIT took %.1f s%n", seconds(started));
        }
        assertThat(NetworkNamespaces.exists(NETNS)).as("the gateway's namespace after down").isFalse();
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
