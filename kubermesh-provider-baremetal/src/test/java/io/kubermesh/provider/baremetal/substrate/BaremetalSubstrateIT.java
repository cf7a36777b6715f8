package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.AddressPlan;
import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.baremetal.Sites;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.MachineStatus;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import io.kubermesh.testkit.bmc.HostTools;
import io.kubermesh.testkit.bmc.IpmiSimulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Bare metal end to end with an emulated machine: the gateway's agent in namespace
 * {@code kmbm-gw} on this host; node1 a qemu VM (SeaBIOS with the NIC's iPXE ROM from Debian's
 * ipxe-qemu) behind a real BMC (ipmi_sim), its NIC the gateway's tap {@code cluster0}. Powered on
 * through the substrate (network as the one-time boot device over IPMI), it network-boots from
 * the gateway's boot services, read over Serial-over-LAN; powered off through the BMC, the
 * substrate reads it off. Cables are the inventory's; a cut takes the gateway's port down.
 */
class BaremetalSubstrateIT {
    private static final String NETNS = "kmbm-gw";
    private static final String GATEWAY_MAC = "52:54:00:6b:6d:00";
    private static final String NODE_MAC = "52:54:00:6b:6d:01";
    private static final String PASSWORD = "kmbm-Ipmi-2.0!";

    @Test
    void powersANetbootMachineThroughItsBmcAndItBootsFromTheGateway() throws Exception {
        HostTools.requireSiteLab();
        assertThat(NetworkNamespaces.exists(NETNS)).as("a leftover namespace " + NETNS).isFalse();
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("kmbm-site");
        IpmiSimulator bmc = null;
        Substrate substrate = null;
        try {
            bmc = Sites.gatewayAndNode1(dir, "kmbm", NETNS, GATEWAY_MAC, NODE_MAC, PASSWORD);

            SubstrateProvider provider = ServiceLoader.load(SubstrateProvider.class).stream().map(ServiceLoader.Provider::get)
                    .filter(p -> p.name().equals("baremetal")).findFirst().orElseThrow();
            provider.checkEnvironment();
            Substrate site = provider.create(new SubstrateConfig(ClusterConfig.seed(), dir.resolve("state"), Map.of(
                    "site", dir.resolve("site.yaml").toString(), "baremetal.netns", NETNS, "baremetal.ports", "tap", "baremetal.soft-off", "2")));
            substrate = site;

            substrate.addMachine(new MachineSpec("gateway", List.of(MacAddress.parse(GATEWAY_MAC)), false));
            substrate.addMachine(new MachineSpec("node1", List.of(MacAddress.parse(NODE_MAC)), true));
            PortRef g0 = new PortRef("gateway", 0);
            PortRef n0 = new PortRef("node1", 0);
            substrate.cable(g0, n0);
            assertThat(substrate.topology().cables()).hasSize(1);
            assertThatThrownBy(() -> site.agent("node1")).isInstanceOf(SubstrateException.class)
                    .hasMessageContaining("the gateway gateway is powered off").hasMessageContaining("node1's agent is reached through it");
            assertThat(substrate.machines()).allSatisfy(m -> assertThat(m.powered()).isFalse());

            String seed;
            try (var in = ClusterConfig.class.getResourceAsStream("seed.yaml")) {
                seed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            substrate.deploy("gateway", new Deployment(seed, true));
            substrate.powerOn("gateway");
            String port0 = new AddressPlan(ClusterConfig.seed()).node(MacAddress.parse(GATEWAY_MAC)).port(0).thisEnd().toString();
            List<String> gatewayConsole = new CopyOnWriteArrayList<>();
            try (AutoCloseable follow = substrate.console("gateway", gatewayConsole::add)) {
                await(gatewayConsole, l -> l.contains("identity " + GATEWAY_MAC), Duration.ofSeconds(60), "the gateway's agent");
            }
            System.out.printf("gateway agent up at %.1f s%n", seconds(started));
            assertThat(status(site, "gateway").powered()).isTrue();
            assertThat(site.placement("gateway")).containsEntry("netns", NETNS);
            // Once the gateway's agent answers on its control socket, its ports say what they hear.
            assertThat(cabling(site)).containsEntry("cable gateway:0-node1:0",
                    "not seen yet: no machine has netbooted through gateway:0 or is its routing neighbour");
            // cut takes the gateway's end down administratively; joining brings it back
            assertThat(HostTools.run(10, "ip", "-n", NETNS, "-o", "link", "show", "cluster0")).contains(",UP");
            site.cut(n0, g0);
            assertThat(site.topology().cables()).isEmpty();
            assertThat(HostTools.run(10, "ip", "-n", NETNS, "-o", "link", "show", "cluster0")).doesNotContain(",UP");
            assertThat(cabling(site)).containsEntry("cable gateway:0-node1:0", "cut (gateway:0 is down)");
            // The cut outlives the gateway's agent: powered off and on, it comes back with the port down.
            site.powerOff("gateway");
            site.powerOn("gateway");
            assertThat(cabling(site)).containsEntry("cable gateway:0-node1:0", "cut (gateway:0 is down)");
            assertThat(HostTools.run(10, "ip", "-n", NETNS, "-o", "link", "show", "cluster0")).doesNotContain(",UP");
            site.cable(g0, n0);
            assertThat(site.topology().cables()).hasSize(1);
            assertThat(HostTools.run(10, "ip", "-n", NETNS, "-o", "link", "show", "cluster0")).contains(",UP");

            List<String> sol = new CopyOnWriteArrayList<>();
            try (AutoCloseable console = substrate.console("node1", sol::add)) {
                substrate.powerOn("node1");
                assertThat(status(substrate, "node1").powered()).isTrue();
                assertThat(bmc.ipmitool("chassis", "power", "status")).contains("Chassis Power is on");
                // iPXE (the NIC's ROM) configures itself from the gateway's RA and DHCPv6, then fetches its script over HTTP.
                await(sol, l -> l.contains("Filename: http://[" + port0 + "]") && l.contains("/boot.ipxe"), Duration.ofSeconds(150),
                        "DHCPv6 from the gateway (" + port0 + ") naming boot.ipxe");
                // ...and the gateway's HTTP server hands it over ("http://[...]/boot.ipxe... ok").
                await(sol, l -> l.matches(".*\\[" + java.util.regex.Pattern.quote(port0) + "\\]:\\d+/boot\\.ipxe\\.\\.\\. *ok.*"),
                        Duration.ofSeconds(60), "iPXE fetching boot.ipxe from the gateway");
                // ...and runs it: the gateway's script asks for node1's own.
                await(sol, l -> l.contains("kubermesh: asking for the script of " + NODE_MAC), Duration.ofSeconds(30),
                        "the gateway's boot.ipxe running on node1");
                System.out.printf("node1 fetched boot.ipxe from the gateway at %.1f s%n", seconds(started));
                sol.stream().filter(l -> l.contains("net0") || l.contains("http")).limit(12)
                        .forEach(l -> System.out.println("node1 SOL | " + l.strip()));
            }
            // The gateway's side: its DHCPv6 server leased node1 an address on port 0, by node1's MAC.
            Path leases = dir.resolve("state/gateway/state/boot/dhcp6/port0/dhcp6.leases");
            assertThat(Files.readString(leases)).contains("mac-" + NODE_MAC);
            // ...which is how the substrate checks the inventory's cable: node1's NIC netbooted through gateway:0.
            Map<String, String> placement = cabling(site);
            System.out.println("gateway placement after node1's netboot: " + placement);
            assertThat(placement).containsEntry("cable gateway:0-node1:0", "seen: node1:0 (" + NODE_MAC
                    + ") netbooted through gateway:0");
            // One status asks for every machine's placement at once: the same lines, each agent asked once.
            Map<String, Map<String, String>> all = site.placements(List.of("gateway", "node1"));
            assertThat(all.get("gateway")).isEqualTo(placement);
            assertThat(all.get("node1")).containsKey("bmc").containsEntry("cable gateway:0-node1:0", "seen: node1:0 (" + NODE_MAC
                    + ") netbooted through gateway:0");
            assertThat(bmc.chassis().starts()).containsExactly("boot=pxe");
            // node1 runs iPXE, not the node OS: asked through the gateway over the mesh, its agent is not there,
            // and the error says where the gateway looked (node1's host address, from the plan).
            String node1Host = new AddressPlan(ClusterConfig.seed()).host(MacAddress.parse(NODE_MAC)).toString();
            long asked = System.nanoTime();
            assertThatThrownBy(() -> {
                try (io.kubermesh.agent.control.AgentClient c = new io.kubermesh.agent.control.AgentClient(site.agent("node1"))) {
                    c.status();
                }
            }).isInstanceOf(io.kubermesh.api.KubermeshException.class)
                    .hasMessageContaining("cannot reach the agent control at [" + node1Host + "]:7441");
            System.out.printf("node1's agent asked through the gateway: refused after %.1f s%n", seconds(asked));
            assertThat(String.join("\n", sol)).contains("iPXE");

            substrate.powerOff("node1");
            assertThat(status(substrate, "node1").powered()).isFalse();
            assertThat(bmc.ipmitool("chassis", "power", "status")).contains("Chassis Power is off");
            substrate.powerOff("gateway");
            assertThat(status(substrate, "gateway").powered()).isFalse();
        } finally {
            if (substrate != null) {
                substrate.close();
            }
            if (bmc != null) {
                bmc.close();
            }
            HostTools.deleteTree(dir);
            System.out.printf("BaremetalSubstrateIT took %.1f s%n", seconds(started));
        }
        assertThat(NetworkNamespaces.exists(NETNS)).as("the gateway's namespace after close").isFalse();
    }

    /** The gateway's placement once its agent runs and answers (up to 30 s): the cabling check's lines. */
    private static Map<String, String> cabling(Substrate s) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<String, String> p = s.placement("gateway");
        while (!p.containsKey("cable gateway:0-node1:0") && System.nanoTime() < deadline) {
            Thread.sleep(200);
            p = s.placement("gateway");
        }
        return p;
    }

    private static MachineStatus status(Substrate s, String name) {
        return s.machines().stream().filter(m -> m.name().equals(name)).findFirst().orElseThrow();
    }

    private static void await(List<String> lines, Predicate<String> line, Duration within, String what) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (lines.stream().noneMatch(line)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no sign of " + what + " within " + within.toSeconds() + " s; last lines:\n"
                        + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size())));
            }
            Thread.sleep(200);
        }
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
