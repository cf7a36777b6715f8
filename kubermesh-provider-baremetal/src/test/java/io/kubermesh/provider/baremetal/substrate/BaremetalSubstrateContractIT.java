package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.baremetal.Sites;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import io.kubermesh.testkit.SubstrateContract;
import io.kubermesh.testkit.bmc.HostTools;
import io.kubermesh.testkit.bmc.IpmiSimulator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * The substrate contract on bare metal, with emulated machines: the suite's three machines are a
 * site inventory. {@code km-a} is the gateway (this host: its agent in namespace
 * {@code kmbmc-gw}, its NICs taps there); {@code km-b} and {@code km-c} are qemu VMs behind real
 * BMCs (two {@code ipmi_sim}), powered through the substrate over IPMI. The inventory's one cable
 * is the suite's, {@code km-a:0} to {@code km-b:1}: km-b's VM has that NIC, plugged into the
 * gateway's tap {@code cluster0}.
 *
 * <p>Where the operations apply: all of the suite runs. How bare metal answers differently, as the
 * suite allows: a cable the inventory does not list is refused as not applicable (a person lays
 * cables); a cut takes the gateway's end down administratively; the gateway powers on only with a
 * deployment (the suite deploys the seed cluster before powering it, {@link #beforePowerOn}); a
 * BMC machine's link is read at the gateway's tap its NIC is plugged into (a VM's NIC cannot be
 * asked from outside, and a real machine's PHY shows in its neighbour's carrier the same way).
 */
class BaremetalSubstrateContractIT extends SubstrateContract {
    private static final String NETNS = "kmbmc-gw";
    private static final String USER = "admin";
    private static final String PASSWORD = "kmbmc-Ipmi-2.0!";
    private static Path dir;
    private static IpmiSimulator bmcB;
    private static IpmiSimulator bmcC;
    private final List<Path> states = new ArrayList<>();

    @BeforeAll
    static void bmcs() throws IOException {
        HostTools.requireRoot();
        HostTools.require("ipmitool", "ipmitool");
        HostTools.require("etcd", "etcd-server");
        if (NetworkNamespaces.exists(NETNS)) {
            throw new AssertionError("a leftover namespace " + NETNS + " (ip netns delete " + NETNS + ")");
        }
        dir = Files.createTempDirectory("kmbmc-site");
        // km-b's VM has its NIC of port 1, plugged into the gateway's port 0 (a tap in the gateway's namespace).
        bmcB = new IpmiSimulator(dir.resolve("bmc-b"), "kmbmc-b", mac("km-b", 1), USER, PASSWORD);
        bmcB.chassis().plugInto(NetworkNamespaces.path(NETNS), "cluster0");
        bmcB.start();
        bmcC = new IpmiSimulator(dir.resolve("bmc-c"), "kmbmc-c", mac("km-c", 0), USER, PASSWORD).start();
        Sites.passwordFile(dir, "bmc.password", PASSWORD);
    }

    @AfterAll
    static void stopBmcs() {
        for (IpmiSimulator b : new IpmiSimulator[] {bmcB, bmcC}) {
            if (b != null) {
                b.close();
            }
        }
        if (dir != null) {
            HostTools.deleteTree(dir);
        }
    }

    /** The NIC of the suite's machine at {@code port}. */
    private static String mac(String machine, int port) {
        return shape(machine).nics().get(port).toString();
    }

    @Override
    protected SubstrateProvider provider() {
        return ServiceLoader.load(SubstrateProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(p -> p.name().equals("baremetal")).findFirst().orElseThrow();
    }

    @Override
    protected Substrate createSubstrate() {
        try {
            String yaml = "site:\n  name: kmbmc\n  machines:\n"
                    + "    - {name: km-a, nics: " + nics("km-a") + "}\n"
                    + "    - name: km-b\n      nics: " + nics("km-b") + "\n      bmc: {address: \"ipmi://127.0.0.1:" + bmcB.port()
                    + "\", username: " + USER + ", passwordFile: bmc.password}\n"
                    + "    - name: km-c\n      nics: " + nics("km-c") + "\n      bmc: {address: \"ipmi://127.0.0.1:" + bmcC.port()
                    + "\", username: " + USER + ", passwordFile: bmc.password}\n"
                    + "  cables:\n    - [\"" + A0 + "\", \"" + B1 + "\"]\n";
            Sites.write(dir, yaml);
            Path state = Files.createTempDirectory(dir, "state");
            states.add(state);
            return provider().create(new SubstrateConfig(ClusterConfig.seed(), state, Map.of("site",
                    dir.resolve("site.yaml").toString(), "baremetal.netns", NETNS, "baremetal.ports", "tap", "baremetal.soft-off", "2")));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String nics(String machine) {
        return spec(machine).nics().stream().map(MacAddress::toString).map(m -> "\"" + m + "\"")
                .collect(Collectors.joining(", ", "[", "]"));
    }

    /** On bare metal only the gateway (km-a) is deployed from this host; km-b and km-c netboot, powered by their BMCs. */
    @Override
    protected boolean netbooted(String machine) {
        return !machine.equals("km-a");
    }

    /** The gateway powers on with a deployment: the seed cluster, etcd bootstrapped on it. */
    @Override
    protected void beforePowerOn(Substrate substrate, String machine) {
        if (machine.equals("km-a")) {
            try (InputStream in = ClusterConfig.class.getResourceAsStream("seed.yaml")) {
                substrate.deploy(machine, new Deployment(new String(in.readAllBytes(), StandardCharsets.UTF_8), true));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * The gateway's port: its tap is up and has carrier. A BMC machine's port: the gateway's tap at
     * the other end of its inventory cable has carrier (the VM's NIC holds it open and it is up).
     */
    @Override
    protected boolean linkIsUp(Substrate substrate, PortRef port) {
        int gatewayPort;
        if (port.machine().equals("km-a")) {
            gatewayPort = port.port();
        } else if (port.equals(B1)) {
            gatewayPort = A0.port();
        } else {
            throw new AssertionError(port + " has no cable in the inventory");
        }
        String link = HostTools.run(10, "ip", "-n", NETNS, "-o", "link", "show", "cluster" + gatewayPort);
        String flags = link.replaceAll("(?s)^[^<]*<([^>]*)>.*$", "$1");
        return List.of(flags.split(",")).containsAll(List.of("UP", "LOWER_UP"));
    }

    /** The gateway's namespace, a VM still running, or the substrate's state file. */
    @Override
    protected boolean leftovers(Substrate closed) {
        return NetworkNamespaces.exists(NETNS) || bmcB.chassis().powered() || bmcC.chassis().powered()
                || states.stream().anyMatch(s -> Files.exists(s.resolve(BaremetalState.FILE)));
    }

    /** Whatever a test left on: the VMs off, the namespace gone (a test that leaves them fails here). */
    @AfterEach
    void nothingOutlivesATest() {
        substrate().close();
        List<String> left = new ArrayList<>();
        for (IpmiSimulator b : new IpmiSimulator[] {bmcB, bmcC}) {
            if (b.chassis().powered()) {
                b.chassis().powerOff();
                left.add(b.chassis().directory().toString());
            }
        }
        if (NetworkNamespaces.exists(NETNS)) {
            NetworkNamespaces.delete(NETNS);
            left.add(NETNS);
        }
        if (!left.isEmpty()) {
            throw new AssertionError("outlived the substrate's close: " + left);
        }
    }
}
