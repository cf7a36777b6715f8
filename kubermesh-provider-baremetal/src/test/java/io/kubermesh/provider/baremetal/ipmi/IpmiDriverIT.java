package io.kubermesh.provider.baremetal.ipmi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.api.PowerException;
import io.kubermesh.api.PowerException.Reason;
import io.kubermesh.provider.baremetal.Sites;
import io.kubermesh.spi.BootDevice;
import io.kubermesh.spi.MachinePower;
import io.kubermesh.spi.PowerPolicy;
import io.kubermesh.spi.PowerState;
import io.kubermesh.testkit.bmc.HostTools;
import io.kubermesh.testkit.bmc.IpmiSimulator;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The IPMI driver against a real BMC emulator: OpenIPMI's ipmi_sim on loopback, its chassis a
 * qemu VM (SeaBIOS, no disk) it starts and stops, its SOL the VM's serial port. ipmitool, a real
 * client, must see what the driver did. One emulator for the class; the tests run in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class IpmiDriverIT {
    private static final String PASSWORD = "kmpw-Ipmi-2.0!";
    private static final PowerPolicy POLICY = new PowerPolicy(Duration.ofSeconds(5), Duration.ofMillis(500),
            Duration.ofSeconds(30), Duration.ofSeconds(3), Duration.ofSeconds(20));

    private Path dir;
    private IpmiSimulator bmc;
    private SiteInventory site;
    private final List<PowerState> progress = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        HostTools.require("ipmitool", "ipmitool");
        dir = Files.createTempDirectory("kmpw-ipmi");
        bmc = new IpmiSimulator(dir.resolve("bmc"), "kmpw-ipmi-vm", "52:54:00:6b:70:01", "admin", PASSWORD).start();
        Sites.passwordFile(dir, "node1.password", PASSWORD);
        Sites.passwordFile(dir, "node2.password", "not-the-password");
        int silent = HostTools.freeUdpPort();
        site = Sites.write(dir, "site:\n  name: kmpw\n  machines:\n"
                + "    - {name: gateway, nics: [\"52:54:00:6b:70:00\"]}\n"
                + "    - name: node1\n      nics: [\"52:54:00:6b:70:01\"]\n"
                + "      bmc: {address: \"ipmi://127.0.0.1:" + bmc.port() + "\", username: admin, passwordFile: node1.password}\n"
                + "    - name: node2\n      nics: [\"52:54:00:6b:70:02\"]\n"
                + "      bmc: {address: \"ipmi://127.0.0.1:" + bmc.port() + "\", username: admin, passwordFile: node2.password}\n"
                + "    - name: node3\n      nics: [\"52:54:00:6b:70:03\"]\n"
                + "      bmc: {address: \"ipmi://127.0.0.1:" + silent + "\", username: admin, passwordFile: node1.password}\n");
    }

    @AfterAll
    void stop() {
        if (bmc != null) {
            bmc.close();
        }
        HostTools.deleteTree(dir);
    }

    private MachinePower node1() {
        return MachinePower.open(new IpmiDriver(), site.powerTarget("NODE", "node1"), POLICY, progress::add);
    }

    @Test
    @Order(1)
    void offWhenAlreadyOffSucceedsAndIpmitoolAgrees() {
        try (MachinePower power = node1()) {
            assertThat(power.state()).isEqualTo(PowerState.OFF);
            assertThat(power.off()).isEqualTo(PowerState.OFF);
        }
        assertThat(bmc.ipmitool("chassis", "power", "status")).contains("Chassis Power is off");
        assertThat(bmc.chassis().starts()).isEmpty();
    }

    @Test
    @Order(2)
    void networkAsTheNextBootThenOnShowsTheNetworkBootOverSol() throws Exception {
        List<String> console = new CopyOnWriteArrayList<>();
        try (MachinePower power = node1()) {
            power.bootOnce(BootDevice.NETWORK);
            assertThat(bmc.ipmitool("chassis", "bootparam", "get", "5")).contains("Force PXE");
            try (AutoCloseable sol = power.console(console::add)) {
                progress.clear();
                assertThat(power.on()).isEqualTo(PowerState.ON);
                assertThat(progress).containsExactly(PowerState.POWERING_ON, PowerState.ON);
                assertThat(bmc.ipmitool("chassis", "power", "status")).contains("Chassis Power is on");
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (console.stream().noneMatch(l -> l.contains("Booting from")) && System.nanoTime() < deadline) {
                    Thread.sleep(200);
                }
            }
        }
        assertThat(bmc.chassis().starts()).containsExactly("boot=pxe");
        assertThat(bmc.chassis().pendingBoot()).isEqualTo("none");
        // SeaBIOS's first boot, read over SOL from its first line: the NIC's option ROM (iPXE) before any disk.
        assertThat(console).anyMatch(l -> l.contains("SeaBIOS"));
        String firstBoot = console.stream().filter(l -> l.contains("Booting from")).findFirst().orElseThrow(
                () -> new AssertionError("no boot line on the console over SOL: " + console));
        assertThat(firstBoot).contains("Booting from ROM");
    }

    @Test
    @Order(3)
    void offAsksFirstThenCutsPowerWhenTheMachineIgnoresIt() {
        progress.clear();
        try (MachinePower power = node1()) {
            assertThat(power.off()).isEqualTo(PowerState.OFF);
        }
        assertThat(progress).first().isEqualTo(PowerState.POWERING_OFF);
        assertThat(progress).last().isEqualTo(PowerState.OFF);
        assertThat(bmc.ipmitool("chassis", "power", "status")).contains("Chassis Power is off");
    }

    @Test
    @Order(4)
    void theOneTimeDeviceIsGoneOnTheNextPowerOn() {
        try (MachinePower power = node1()) {
            assertThat(power.on()).isEqualTo(PowerState.ON);
            assertThat(power.on()).isEqualTo(PowerState.ON);
            assertThat(power.cycle()).isEqualTo(PowerState.ON);
            assertThat(power.forceOff()).isEqualTo(PowerState.OFF);
        }
        assertThat(bmc.chassis().starts()).containsExactly("boot=pxe", "boot=none", "boot=none");
    }

    @Test
    @Order(5)
    void aWrongPasswordIsAClearErrorNotAHang() {
        long start = System.nanoTime();
        assertThatThrownBy(() -> MachinePower.open(new IpmiDriver(), site.powerTarget("NODE", "node2"), POLICY, p -> { }))
                .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.AUTHENTICATION))
                .hasMessageContaining("refused the password of user admin")
                .hasMessageNotContaining("not-the-password");
        System.out.printf("wrong password refused in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    @Order(6)
    void aBmcThatNeverAnswersIsReportedWithinTheBound() throws Exception {
        var target = site.powerTarget("NODE", "node3");
        int port = ((io.kubermesh.spi.BmcAddress.Ipmi) target.address()).port();
        try (DatagramSocket silent = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> MachinePower.open(new IpmiDriver(), target, POLICY, p -> { }))
                    .isInstanceOfSatisfying(PowerException.class, e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT))
                    .hasMessageContaining("did not answer Open Session within 5000 ms");
            System.out.printf("silent BMC reported in %d ms%n", (System.nanoTime() - start) / 1_000_000);
        }
    }
}
