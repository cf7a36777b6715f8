package io.kubermesh.provider.baremetal.substrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NotApplicableException;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.api.Topology.Cable;
import io.kubermesh.api.Topology.PortRef;
import io.kubermesh.provider.baremetal.Sites;
import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.Deployment;
import io.kubermesh.spi.MachineSpec;
import io.kubermesh.spi.PowerDriver;
import io.kubermesh.spi.PowerPolicy;
import io.kubermesh.spi.PowerSession;
import io.kubermesh.spi.PowerState;
import io.kubermesh.spi.PowerTarget;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baremetal substrate's rules without root or a BMC: what the inventory allows, what does not
 * apply on a site, and that power goes through the machine's driver (an in-memory BMC here; the
 * real ones are in {@link BaremetalSubstrateIT} and the drivers' ITs). The gateway, which needs a
 * namespace, is only in the IT.
 */
class BaremetalSubstrateTest {
    private static final PowerPolicy FAST = new PowerPolicy(Duration.ofSeconds(2), Duration.ofMillis(5),
            Duration.ofSeconds(2), Duration.ZERO, Duration.ofSeconds(2));

    @TempDir
    Path dir;
    private SiteInventory site;
    private final Map<String, PowerState> power = new ConcurrentHashMap<>();
    private final List<String> sent = new CopyOnWriteArrayList<>();
    /** Machines whose BMC does not answer. */
    private final Set<String> silent = ConcurrentHashMap.newKeySet();

    @BeforeEach
    void setUp() throws Exception {
        Sites.passwordFile(dir, "bmc.password", "kmbm-secret");
        site = Sites.write(dir, "site:\n  name: kmbm\n  machines:\n"
                + "    - {name: gateway, nics: [\"52:54:00:6b:6e:00\", \"52:54:00:6b:6e:10\"]}\n"
                + "    - name: node1\n      nics: [\"52:54:00:6b:6e:01\", \"52:54:00:6b:6e:11\"]\n"
                + "      bmc: {address: \"ipmi://192.0.2.11\", username: admin, passwordFile: bmc.password}\n"
                + "    - name: node2\n      nics: [\"52:54:00:6b:6e:02\"]\n"
                + "      bmc: {address: \"ipmi://192.0.2.12\", username: admin, passwordFile: bmc.password}\n"
                + "    - {name: spare, nics: [\"52:54:00:6b:6e:03\"]}\n"
                + "  cables:\n    - [\"gateway:0\", \"node1:0\"]\n    - [\"node1:1\", \"node2:0\"]\n");
    }

    private BaremetalSubstrate substrate() {
        return new BaremetalSubstrate(site, new io.kubermesh.addressing.AddressPlan(io.kubermesh.addressing.config.ClusterConfig.seed()), dir.resolve("state"), "kmbm-unit", GatewayPorts.TAP, FAST, java.time.Duration.ofSeconds(900), List.of(new MemoryBmc()), java.util.Optional.empty());
    }

    private static MachineSpec node1() {
        return new MachineSpec("node1", List.of(MacAddress.parse("52:54:00:6b:6e:01"), MacAddress.parse("52:54:00:6b:6e:11")), true);
    }

    private static MachineSpec netboot(String name, String mac) {
        return new MachineSpec(name, List.of(MacAddress.parse(mac)), true);
    }

    @Test
    void theProviderIsFoundByNameAndNeedsASite() {
        SubstrateProvider p = ServiceLoader.load(SubstrateProvider.class).stream().map(ServiceLoader.Provider::get)
                .filter(x -> x.name().equals("baremetal")).findFirst().orElseThrow();
        assertThatThrownBy(() -> p.create(new SubstrateConfig(ClusterConfig.seed(), dir, Map.of())))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("--site");
        assertThatThrownBy(() -> p.create(new SubstrateConfig(ClusterConfig.seed(), dir, Map.of("site",
                dir.resolve("site.yaml").toString(), "baremetal.netns", "gw0")))).hasMessageContaining("baremetal.netns");
        assertThatThrownBy(() -> p.create(new SubstrateConfig(ClusterConfig.seed(), dir, Map.of("site",
                dir.resolve("site.yaml").toString(), "baremetal.soft-off", "soon")))).hasMessageContaining("baremetal.soft-off");
        for (String bad : List.of("soon", "0", "-5", "86401")) {
            assertThatThrownBy(() -> p.create(new SubstrateConfig(ClusterConfig.seed(), dir, Map.of("site",
                    dir.resolve("site.yaml").toString(), "baremetal.boot-timeout", bad)))).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("baremetal.boot-timeout").hasMessageContaining("whole seconds, 1 to 86400");
        }
        try (var s = p.create(new SubstrateConfig(ClusterConfig.seed(), dir.resolve("timed"), Map.of("site",
                dir.resolve("site.yaml").toString(), "baremetal.boot-timeout", "120")))) {
            assertThat(s.bootTimeout()).isEqualTo(Duration.ofSeconds(120));
        }
    }

    @Test
    void theSiteIsTheInventorysMachinesInItsOrderTheFirstDeployedAndItsCables() {
        try (BaremetalSubstrate s = substrate()) {
            var layout = s.site().orElseThrow();
            assertThat(layout.machines()).extracting(MachineSpec::name).containsExactly("gateway", "node1", "node2", "spare");
            assertThat(layout.machines()).extracting(MachineSpec::netboot).containsExactly(false, true, true, true);
            assertThat(layout.machines().get(1).nics()).containsExactly(MacAddress.parse("52:54:00:6b:6e:01"),
                    MacAddress.parse("52:54:00:6b:6e:11"));
            assertThat(layout.cables()).containsExactly(new Cable(new PortRef("gateway", 0), new PortRef("node1", 0)),
                    new Cable(new PortRef("node1", 1), new PortRef("node2", 0)));
            assertThat(s.bootTimeout()).isEqualTo(Duration.ofSeconds(900));
        }
    }

    @Test
    void onlyInventoryMachinesWithTheirNicsAndABmcAreAdded() {
        try (BaremetalSubstrate s = substrate()) {
            assertThatThrownBy(() -> s.addMachine(netboot("node9", "52:54:00:6b:6e:09"))).isInstanceOf(SubstrateException.class)
                    .hasMessageContaining("not in the site inventory kmbm").hasMessageContaining("node1");
            assertThatThrownBy(() -> s.addMachine(netboot("node1", "52:54:00:6b:6e:99"))).hasMessageContaining("has NICs");
            assertThatThrownBy(() -> s.addMachine(netboot("spare", "52:54:00:6b:6e:03"))).hasMessageContaining("has no bmc");
            s.addMachine(node1());
            assertThatThrownBy(() -> s.addMachine(node1())).hasMessageContaining("added already");
            assertThat(s.placement("node1")).containsEntry("bmc", "ipmi://192.0.2.11:623");
        }
    }

    @Test
    void aCutBetweenNetbootedMachinesIsMadeAtTheEndThatStillReachesTheGateway() {
        PortRef g0 = new PortRef("gateway", 0);
        PortRef g1 = new PortRef("gateway", 1);
        PortRef a0 = new PortRef("a", 0);
        PortRef a1 = new PortRef("a", 1);
        PortRef b0 = new PortRef("b", 0);
        PortRef b1 = new PortRef("b", 1);
        // a line gateway - a - b: only a reaches the gateway without a-b, whichever end is named first
        List<Cable> line = List.of(new Cable(g0, a0), new Cable(a1, b0));
        assertThat(BaremetalSubstrate.reachableEnd(line, "gateway", b0, a1)).isEqualTo(a1);
        assertThat(BaremetalSubstrate.reachableEnd(line, "gateway", a1, b0)).isEqualTo(a1);
        // a ring: both do, and the first named is taken
        List<Cable> ring = List.of(new Cable(g0, a0), new Cable(a1, b1), new Cable(b0, g1));
        assertThat(BaremetalSubstrate.reachableEnd(ring, "gateway", b1, a1)).isEqualTo(b1);
        // beyond the gateway's reach already: neither could take its port up again
        List<Cable> apart = List.of(new Cable(a1, b0));
        assertThatThrownBy(() -> BaremetalSubstrate.reachableEnd(apart, "gateway", a1, b0)).isInstanceOf(SubstrateException.class)
                .hasMessageContaining("neither a nor b reaches the gateway gateway").hasMessageContaining("pull the cable");
    }

    @Test
    void cablesAreTheInventorysAndCuttingOneBetweenNetbootedMachinesNeedsTheGateway() {
        try (BaremetalSubstrate s = substrate()) {
            s.addMachine(node1());
            s.addMachine(netboot("node2", "52:54:00:6b:6e:02"));
            PortRef n1 = new PortRef("node1", 1);
            PortRef n2 = new PortRef("node2", 0);
            s.cable(n2, n1);
            assertThat(s.topology().cables()).containsExactly(new Cable(n1, n2));
            assertThatThrownBy(() -> s.cable(new PortRef("node1", 0), n2)).isInstanceOf(NotApplicableException.class)
                    .hasMessageContaining("a person lays cables").hasMessageContaining("[\"node1:0\", \"node2:0\"]");
            // a netbooted machine's port is taken down by its agent, asked through the gateway's: none here
            assertThatThrownBy(() -> s.cut(n1, n2)).isInstanceOf(SubstrateException.class).hasMessageContaining("cannot cut node1:1 - node2:0")
                    .hasMessageContaining("no gateway has been added");
            assertThat(s.topology().cables()).as("nothing recorded").containsExactly(new Cable(n1, n2));
            assertThatThrownBy(() -> s.cut(new PortRef("node1", 0), n2)).isInstanceOf(SubstrateException.class)
                    .isNotInstanceOf(NotApplicableException.class).hasMessageContaining("no cable between node1:0 and node2:0");
            assertThatThrownBy(() -> s.cable(new PortRef("node7", 0), n2)).isInstanceOf(SubstrateException.class)
                    .hasMessageContaining("node7");
        }
    }

    @Test
    void aBmcThatDoesNotAnswerIsAPowerProblemNotOff() {
        try (BaremetalSubstrate s = substrate()) {
            s.addMachine(node1());
            assertThat(s.machines()).singleElement().satisfies(m -> assertThat(m.powerProblem()).isEmpty());
            silent.add("node1");
            assertThat(s.machines()).singleElement().satisfies(m -> {
                assertThat(m.powered()).isFalse();
                assertThat(m.powerProblem()).hasValueSatisfying(p -> assertThat(p)
                        .contains("node1 (ipmi://192.0.2.11:623): cannot reach it")
                        .contains("to fix: check site.machines.node1.bmc.address"));
            });
            silent.remove("node1");
            assertThat(s.machines()).singleElement().satisfies(m -> assertThat(m.powerProblem()).isEmpty());
        }
    }

    @Test
    void powerGoesThroughTheBmcNetworkOnceWhenBlankAndTheStateIsTheBmcs() {
        try (BaremetalSubstrate s = substrate()) {
            s.addMachine(node1());
            assertThat(s.machines()).singleElement().satisfies(m -> assertThat(m.powered()).isFalse());
            s.powerOn("node1");
            assertThat(sent).containsExactly("node1 boot NETWORK", "node1 on");
            assertThat(s.machines()).singleElement().satisfies(m -> assertThat(m.powered()).isTrue());
            assertThatThrownBy(() -> s.removeMachine("node1")).hasMessageContaining("power it off");
            // the BMC is the truth: a machine switched off at its button reads off
            power.put("node1", PowerState.OFF);
            assertThat(s.machines()).singleElement().satisfies(m -> assertThat(m.powered()).isFalse());
            power.put("node1", PowerState.ON);
            s.powerOff("node1");
            assertThat(sent).endsWith("node1 hard-off");
            assertThat(s.machines()).singleElement().satisfies(m -> assertThat(m.powered()).isFalse());
            // Powered on again, also by another command (a substrate on the same state), it is no
            // longer blank: no one-time network boot, so its BIOS order boots its disk.
            sent.clear();
            BaremetalSubstrate again = substrate();
            again.powerOn("node1");
            assertThat(sent).containsExactly("node1 on");
            again.powerOff("node1");
            s.removeMachine("node1");
            assertThat(s.machines()).isEmpty();
        }
    }

    @Test
    void whatABmcMachineLacksIsNotApplicableWithTheReason() {
        try (BaremetalSubstrate s = substrate()) {
            s.addMachine(node1());
            assertThatThrownBy(() -> s.console("node1", l -> { })).isInstanceOf(NotApplicableException.class)
                    .hasMessageContaining("no serial console");
            assertThatThrownBy(() -> s.consoleTail("node1", 10)).isInstanceOf(NotApplicableException.class);
            assertThatThrownBy(() -> s.agent("node1")).isInstanceOf(SubstrateException.class).hasMessageContaining("no gateway has been added");
            assertThatThrownBy(() -> s.deploy("node1", new Deployment("cluster: {}\n", false)))
                    .isInstanceOf(SubstrateException.class).hasMessageContaining("network-boots");
            assertThatThrownBy(() -> s.powerOn("node2")).hasMessageContaining("has not been added");
        }
    }

    @Test
    void theSiteIsRememberedAndCloseSwitchesOffWhatItSwitchedOn() {
        BaremetalSubstrate first = substrate();
        first.addMachine(node1());
        first.addMachine(netboot("node2", "52:54:00:6b:6e:02"));
        power.put("node2", PowerState.ON); // on before us: not ours to switch off
        first.powerOn("node1");
        BaremetalSubstrate again = substrate();
        assertThat(again.machines()).extracting(m -> m.name() + "=" + m.powered()).containsExactly("node1=true", "node2=true");
        again.close();
        assertThat(power).containsEntry("node1", PowerState.OFF).containsEntry("node2", PowerState.ON);
        assertThat(dir.resolve("state").resolve(BaremetalState.FILE)).doesNotExist();
    }

    /** A BMC in memory: power changes at once; no console. */
    private final class MemoryBmc implements PowerDriver {
        @Override
        public String name() {
            return "ipmi";
        }

        @Override
        public PowerSession open(PowerTarget target, Duration callTimeout) {
            String m = target.machine();
            if (silent.contains(m)) {
                throw new PowerException(PowerException.Reason.UNREACHABLE, target.describe() + ": cannot reach it (kmrv4 test)");
            }
            return new PowerSession() {
                @Override
                public Set<Capability> capabilities() {
                    return EnumSet.of(Capability.READ_STATE, Capability.POWER_ON, Capability.HARD_OFF, Capability.BOOT_ONCE);
                }

                @Override
                public PowerState read() {
                    return power.getOrDefault(m, PowerState.OFF);
                }

                @Override
                public void powerOn() {
                    sent.add(m + " on");
                    power.put(m, PowerState.ON);
                }

                @Override
                public void softOff() {
                    throw new AssertionError("no soft off offered");
                }

                @Override
                public void hardOff() {
                    sent.add(m + " hard-off");
                    power.put(m, PowerState.OFF);
                }

                @Override
                public void bootOnce(BootDevice device) {
                    sent.add(m + " boot " + device);
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
