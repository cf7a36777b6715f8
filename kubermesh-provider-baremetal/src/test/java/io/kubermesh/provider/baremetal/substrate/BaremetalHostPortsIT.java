package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.provider.baremetal.Sites;
import io.kubermesh.routing.netlink.Link;
import io.kubermesh.routing.netlink.NetlinkException;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.routing.netlink.Rtnetlink;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.testkit.bmc.HostTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code baremetal.ports=host} on the real kernel: a veth stands for a NIC of this host,
 * {@code kmhp0a} in this namespace, its peer {@code kmhp0b} in namespace {@code kmhp-peer} (the
 * machine cabled to it). Adding the gateway moves it into the gateway's namespace {@code kmhp-gw}
 * as {@code cluster0}, recorded first; powering the gateway on brings it up, so the peer sees
 * carrier; {@code down} gives it back under its name. A MAC no interface has and an interface with
 * a global IPv6 address are refused before anything moves; a second command gives back what a
 * first one moved and left (a crash); a NIC that went away meanwhile is named by {@code down}.
 */
class BaremetalHostPortsIT {
    private static final String GATEWAY = "kmhp-gw";
    private static final String PEER = "kmhp-peer";
    private static final String NIC0 = "kmhp0a";
    private static final String NIC1 = "kmhp1a";
    private static final MacAddress MAC0 = MacAddress.parse("52:54:00:6b:68:00");
    private static final MacAddress MAC1 = MacAddress.parse("52:54:00:6b:68:01");
    private static final MacAddress NOWHERE = MacAddress.parse("52:54:00:6b:68:99");

    private Path dir;
    private final List<Substrate> substrates = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        HostTools.requireRoot();
        for (String ns : List.of(GATEWAY, PEER)) {
            assertThat(NetworkNamespaces.exists(ns)).as("a leftover namespace " + ns).isFalse();
        }
        dir = Files.createTempDirectory("kmhp-site");
        NetworkNamespaces.create(PEER);
        nic(NIC0, MAC0, "kmhp0b");
    }

    /** A veth whose {@code name} end, with {@code mac}, is this host's NIC, and whose {@code peer} end is in {@link #PEER}, up. */
    private static void nic(String name, MacAddress mac, String peer) {
        try (Rtnetlink nl = Rtnetlink.open()) {
            nl.createVeth(name, mac, peer, MacAddress.parse("52:54:00:6b:69:0" + name.charAt(4)), Optional.of(PEER));
        }
        try (Rtnetlink nl = Rtnetlink.open(PEER)) {
            nl.setUp(peer, true);
        }
    }

    @AfterEach
    void tearDown() {
        for (Substrate s : substrates) {
            try {
                s.close();
            } catch (RuntimeException e) {
                System.out.println("closing a substrate after the test: " + e.getMessage());
            }
        }
        // The gateway's namespace first (a veth end still in it goes with it, and its peer), then the
        // veths here (each takes its peer), then the peers' namespace. A link gone meanwhile is fine;
        // the site's directory goes whatever failed before.
        try {
            NetworkNamespaces.delete(GATEWAY);
            try (Rtnetlink nl = Rtnetlink.open()) {
                for (String link : List.of(NIC0, NIC1)) {
                    try {
                        nl.deleteLink(link);
                    } catch (NetlinkException e) {
                        if (e.errno() != NetlinkException.ENODEV) {
                            System.out.println("deleting " + link + " after the test: " + e.getMessage());
                        }
                    }
                }
            }
            NetworkNamespaces.delete(PEER);
        } finally {
            if (dir != null) {
                HostTools.deleteTree(dir);
            }
        }
    }

    private Substrate substrate(String... nics) throws Exception {
        Sites.write(dir, "site:\n  name: kmhp\n  machines:\n    - {name: gateway, nics: [\"" + String.join("\", \"", nics)
                + "\"]}\n  cables: []\n");
        Substrate s = new BaremetalSubstrateProvider().create(new SubstrateConfig(ClusterConfig.seed(), dir.resolve("state"), Map.of(
                "site", dir.resolve("site.yaml").toString(), "baremetal.netns", GATEWAY, "baremetal.ports", "host",
                "baremetal.soft-off", "2")));
        substrates.add(s);
        return s;
    }

    private static MachineSpec gateway(MacAddress... nics) {
        return new MachineSpec("gateway", List.of(nics), false);
    }

    @Test
    void theGatewaysPortIsThisHostsNicAndDownGivesItBackUnderItsName() throws Exception {
        long started = System.nanoTime();
        Substrate s = substrate(MAC0.toString());
        s.addMachine(gateway(MAC0));

        assertThat(here(NIC0)).as(NIC0 + " in this host's namespace").isEmpty();
        Link port = in(GATEWAY, "cluster0").orElseThrow(() -> new AssertionError("no cluster0 in " + GATEWAY));
        assertThat(port.mac()).contains(MAC0);
        assertThat(port.kind()).contains("veth");
        assertThat(port.up()).as("down until the gateway is powered on").isFalse();
        String state = Files.readString(dir.resolve("state").resolve(BaremetalState.FILE));
        assertThat(state).contains("\"hostPorts\"").contains("\"name\" : \"" + NIC0 + "\"").contains("\"mac\" : \"" + MAC0 + "\"")
                .contains("\"port\" : 0");

        // Powered on: the port comes up and the machine at the other end of the cable sees carrier; off: it loses it.
        String seed;
        try (var in = ClusterConfig.class.getResourceAsStream("seed.yaml")) {
            seed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        s.deploy("gateway", new Deployment(seed, true));
        List<String> console = new CopyOnWriteArrayList<>();
        s.powerOn("gateway");
        assertThat(in(GATEWAY, "cluster0").orElseThrow().up()).isTrue();
        await(() -> in(PEER, "kmhp0b").orElseThrow().lowerUp(), "carrier at the peer once the gateway's port is up");
        try (AutoCloseable follow = s.console("gateway", console::add)) {
            await(() -> console.stream().anyMatch(l -> l.contains("identity " + MAC0)), "the gateway's agent taking its identity from "
                    + "the NIC it was given (console: " + console + ")");
            console.stream().filter(l -> l.contains("identity")).forEach(l -> System.out.println("gateway console | " + l));
        }
        s.powerOff("gateway");
        assertThat(in(GATEWAY, "cluster0").orElseThrow().up()).isFalse();
        await(() -> !in(PEER, "kmhp0b").orElseThrow().lowerUp(), "no carrier at the peer once the gateway's port is down");

        s.close();
        Link back = here(NIC0).orElseThrow(() -> new AssertionError(NIC0 + " not back in this host's namespace"));
        assertThat(back.mac()).contains(MAC0);
        assertThat(back.kind()).as("the same veth, not a new link").contains("veth");
        assertThat(NetworkNamespaces.exists(GATEWAY)).as("the gateway's namespace after down").isFalse();
        assertThat(dir.resolve("state").resolve(BaremetalState.FILE)).doesNotExist();
        // Still cabled: brought up, it has the peer's carrier again.
        try (Rtnetlink nl = Rtnetlink.open()) {
            nl.setUp(NIC0, true);
        }
        await(() -> here(NIC0).orElseThrow().lowerUp(), "carrier on " + NIC0 + " from its peer after down");
        System.out.printf("BaremetalHostPortsIT: moved in, up, down and given back in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    @Test
    void aMacNoInterfaceOfThisHostHasIsRefusedListingItsInterfaces() throws Exception {
        Substrate s = substrate(NOWHERE.toString());
        assertThatThrownBy(() -> s.addMachine(gateway(NOWHERE))).isInstanceOf(SubstrateException.class)
                .satisfies(e -> System.out.println("refused: " + e.getMessage()))
                .hasMessageContaining("the gateway's NIC 0 (" + NOWHERE + ") is no interface of this host")
                .hasMessageContaining(NIC0 + " " + MAC0)
                .hasMessageContaining("baremetal.ports=tap");
        assertThat(NetworkNamespaces.exists(GATEWAY)).isFalse();
        assertThat(here(NIC0)).isPresent();
        assertThat(s.machines()).isEmpty();
    }

    @Test
    void aNicWithAGlobalIpv6AddressIsRefusedAndNoNicIsMoved() throws Exception {
        nic(NIC1, MAC1, "kmhp1b");
        HostTools.run(10, "ip", "address", "add", "2001:db8:ffff::1/64", "dev", NIC1, "nodad");
        Substrate s = substrate(MAC0.toString(), MAC1.toString());
        assertThatThrownBy(() -> s.addMachine(gateway(MAC0, MAC1))).isInstanceOf(SubstrateException.class)
                .satisfies(e -> System.out.println("refused: " + e.getMessage()))
                .hasMessageContaining("none was moved")
                .hasMessageContaining("the gateway's NIC 1 (" + MAC1 + ") is " + NIC1 + " on this host")
                .hasMessageContaining("2001:db8:ffff::1/64")
                .hasMessageContaining("name a free NIC in site.yaml");
        assertThat(here(NIC0)).as("NIC 0 is free, but nothing moves unless all are").isPresent();
        assertThat(here(NIC1)).isPresent();
        assertThat(NetworkNamespaces.exists(GATEWAY)).isFalse();
        assertThat(Files.readString(dir.resolve("state").resolve(BaremetalState.FILE))).doesNotContain(NIC0);
    }

    @Test
    void aSecondCommandGivesBackTheNicsAFirstOneMovedAndLeft() throws Exception {
        substrate(MAC0.toString()).addMachine(gateway(MAC0));
        assertThat(here(NIC0)).isEmpty();
        // The first command's process is gone without down (only its state is left); the next one reads that state.
        substrates.clear();
        Substrate next = substrate(MAC0.toString());
        next.close();
        assertThat(here(NIC0)).as(NIC0 + " given back by the second command").isPresent().get()
                .satisfies(l -> assertThat(l.mac()).contains(MAC0));
        assertThat(NetworkNamespaces.exists(GATEWAY)).isFalse();
    }

    @Test
    void aNicThatIsGoneWhenDownRunsIsNamedInItsError() throws Exception {
        Substrate s = substrate(MAC0.toString());
        s.addMachine(gateway(MAC0));
        try (Rtnetlink nl = Rtnetlink.open(GATEWAY)) {
            nl.deleteLink("cluster0");
        }
        assertThatThrownBy(s::close).isInstanceOf(SubstrateException.class)
                .satisfies(e -> System.out.println("down: " + e.getMessage()))
                .hasMessageContaining("namespace " + GATEWAY + " removed, but not every NIC of this host came back")
                .hasMessageContaining(NIC0 + " (" + MAC0 + ", the gateway's port cluster0) is neither in namespace " + GATEWAY
                        + " nor on this host");
        assertThat(NetworkNamespaces.exists(GATEWAY)).isFalse();
    }

    private static Optional<Link> here(String name) {
        try (Rtnetlink nl = Rtnetlink.open()) {
            return nl.link(name);
        }
    }

    private static Optional<Link> in(String netns, String name) {
        try (Rtnetlink nl = Rtnetlink.open(netns)) {
            return nl.link(name);
        }
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within 60 s");
            }
            Thread.sleep(100);
        }
    }
}
