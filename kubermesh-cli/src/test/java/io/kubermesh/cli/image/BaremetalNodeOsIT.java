package io.kubermesh.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.agent.ComponentStatus;
import io.kubermesh.lab.Lab;
import io.kubermesh.lab.MachineView;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import io.kubermesh.testkit.bmc.HostTools;
import io.kubermesh.testkit.bmc.IpmiSimulator;
import io.kubermesh.testkit.bmc.QemuChassis;
import io.kubermesh.testkit.bmc.RedfishEmulator;
import io.kubermesh.testkit.bmc.TestCertificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Bare metal end to end with the node OS: {@code up} of a three-machine site inventory on the
 * {@code baremetal} substrate ({@link Lab#upSite}, what {@code kubermesh up --substrate baremetal
 * --site site.yaml} runs). The gateway is this host (its agent in namespace {@code kmbmn-gw},
 * its two ports taps); node1 and node2 are qemu VMs standing for machines with BMCs, each plugged
 * into one gateway port and cabled to each other (a ring):
 * <ul>
 * <li>node1: UEFI (OVMF) with a blank disk, behind OpenIPMI's {@code ipmi_sim} (IPMI 2.0 over
 *     LAN, its console over Serial-over-LAN);
 * <li>node2: legacy BIOS whose NIC's iPXE ROM boots (Debian's {@code ipxe-qemu}), no disk, behind
 *     the Redfish emulator (TLS, its certificate pinned in the site file).
 * </ul>
 * {@code up} powers both on through their BMCs with network as the one-time boot device; they
 * netboot the node OS from the gateway (kernel, initrd and Ignition config from its boot services),
 * node1 installs itself on its disk, node2 runs from memory, and both join: every machine reaches
 * every other, the agents answer through the gateway over the mesh, and the cabling check sees
 * all three cables, the one between node1 and node2 by their routing adjacency, which is then cut
 * (node1's end taken down through its agent) and joined again. Then node1 is
 * powered off through its BMC (soft, then hard) and reported off, and powered on again: no
 * one-time boot device this time, so its firmware boots the disk it installed, and its node setup
 * runs from there (the Ignition config the install left on the disk), without the network.
 *
 * <p>The VMs run under KVM when it runs OVMF here, else TCG (minutes per boot; every step prints
 * its time). This replaces NetbootFirmwareIT's legacy BIOS boot of the node OS (node2 here); its
 * UEFI HTTP boot is shown to a kernel by kubermesh-boot's UefiHttpBootIT.
 */
class BaremetalNodeOsIT {
    private static final String NETNS = "kmbmn-gw";
    private static final String GW0 = "52:54:00:6b:6e:00";
    private static final String GW1 = "52:54:00:6b:6e:10";
    private static final String N1_0 = "52:54:00:6b:6e:01";
    private static final String N1_1 = "52:54:00:6b:6e:11";
    private static final String N2_0 = "52:54:00:6b:6e:02";
    private static final String N2_1 = "52:54:00:6b:6e:12";

    @Test
    void upPowersTwoBmcMachinesOnTheyNetbootTheNodeOsAndJoinAndAnInstalledOneBootsItsDisk() throws Exception {
        HostTools.requireSiteLab();
        assertThat(NetworkNamespaces.exists(NETNS)).as("a leftover namespace " + NETNS).isFalse();
        var image = NodeImage.get();
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory("kmbmn-site");
        // The lab directory below it must be reachable by the routing daemons' user (the password files stay 0600).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
        String accel = Vms.accelerator();
        IpmiSimulator ipmi = null;
        RedfishEmulator redfish = null;
        Lab lab = null;
        List<String> progress = new CopyOnWriteArrayList<>();
        try {
            Path ns = NetworkNamespaces.path(NETNS);
            ipmi = new IpmiSimulator(dir.resolve("bmc1"), "kmbmn-node1", N1_0, "admin", "kmbmn-Ipmi-2.0!");
            ipmi.chassis().resources(2048, 1, accel).uefi(Vms.blankDisk(dir.resolve("node1.img"), 8L << 30))
                    .plugInto(ns, "cluster0").secondNic(N1_1, dir.resolve("node1-1.sock"), dir.resolve("node2-1.sock"));
            ipmi.start();
            TestCertificate cert = TestCertificate.create(dir.resolve("tls"), "kmbmn-bmc2");
            QemuChassis node2 = new QemuChassis(dir.resolve("bmc2"), "kmbmn-node2", N2_0, false).resources(2048, 1, accel)
                    .plugInto(ns, "cluster1").secondNic(N2_1, dir.resolve("node2-1.sock"), dir.resolve("node1-1.sock"));
            redfish = new RedfishEmulator(node2, cert, "root", "kmbmn-Redfish-pw");
            password(dir, "node1.password", "kmbmn-Ipmi-2.0!");
            password(dir, "node2.password", "kmbmn-Redfish-pw");
            Files.writeString(dir.resolve("site.yaml"), "site:\n  name: kmbmn\n  machines:\n"
                    + "    - {name: gateway, nics: [\"" + GW0 + "\", \"" + GW1 + "\"]}\n"
                    + "    - name: node1\n      nics: [\"" + N1_0 + "\", \"" + N1_1 + "\"]\n"
                    + "      bmc: {address: \"ipmi://127.0.0.1:" + ipmi.port() + "\", username: admin, passwordFile: node1.password}\n"
                    + "    - name: node2\n      nics: [\"" + N2_0 + "\", \"" + N2_1 + "\"]\n"
                    + "      bmc: {address: \"redfish://127.0.0.1:" + redfish.port() + "\", username: root, passwordFile: node2.password,"
                    + " tls: {fingerprint: \"" + cert.fingerprint() + "\"}}\n"
                    + "  cables:\n    - [\"gateway:0\", \"node1:0\"]\n    - [\"gateway:1\", \"node2:0\"]\n    - [\"node1:1\", \"node2:1\"]\n");
            SubstrateProvider provider = ServiceLoader.load(SubstrateProvider.class).stream().map(ServiceLoader.Provider::get)
                    .filter(p -> p.name().equals("baremetal")).findFirst().orElseThrow();
            assertThat(provider.needsNodeImage(Map.of())).as("up builds the node OS the gateway serves").isTrue();
            String seed;
            try (var in = io.kubermesh.addressing.config.ClusterConfig.class.getResourceAsStream("seed.yaml")) {
                seed = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            // BFD 500 ms x 6 and OSPF dead 8 s, as LibvirtLabIT: with the seed's 300 ms the gateway lost its route
            // to a joined node VM for a moment, so a status found it unreachable or a cut could not reach it
            seed = Vms.withVmTimers(seed);
            System.out.println("node1 and node2 run under " + accel.toUpperCase(java.util.Locale.ROOT));
            lab = Lab.create(dir.resolve("lab"), seed, provider, Map.of("site", dir.resolve("site.yaml").toString(),
                    "baremetal.netns", NETNS, "baremetal.ports", "tap", "baremetal.soft-off", "90", "baremetal.boot-timeout", "1200",
                    SubstrateConfig.NODE_IMAGE, image.output().toString()), line -> {
                        progress.add(line.replaceFirst("^\\[ *[0-9.]+s\\] ", ""));
                        System.out.println("up | " + line);
                    });
            lab.upSite();
            System.out.printf("up done at %.1f s: %s%n", seconds(started), lab.joinTimes());

            // Powered on through their BMCs, network once; node1's boot steps came over SOL.
            assertThat(ipmi.chassis().starts()).containsExactly("boot=pxe");
            assertThat(node2.starts()).containsExactly("boot=pxe");
            assertThat(progress).anyMatch(l -> l.startsWith("node1: ") && l.contains("PXE"));
            // SOL for the whole boot, minutes after the console opened (ipmi_sim ends a session 30 s after the
            // last IPMI request; the console keeps it alive).
            assertThat(progress).anyMatch(l -> l.startsWith("node1: kubermesh-setup: installed on /dev/vda"));
            assertThat(progress).anyMatch(l -> l.startsWith("node1: joined in")).anyMatch(l -> l.startsWith("node2: joined in"));
            long checks = System.nanoTime();
            List<MachineView> status = lab.status();
            assertThat(status).extracting(MachineView::name).containsExactly("gateway", "node1", "node2");
            assertThat(status).allSatisfy(m -> assertThat(m.state()).as(m.name()).isEqualTo("joined"));
            // The node OS on both, netbooted from the gateway: node1 installed on its disk, node2 from memory.
            assertThat(setup(status, "node1").detail()).contains("booted from the network");
            assertThat(setup(status, "node2").detail()).contains("booted from the network");
            System.out.printf("status and setup read in %.1f s%n", seconds(checks));
            String console1 = ipmi.chassis().consoleText();
            assertThat(console1).contains("kubermesh-setup: installed on /dev/vda");
            assertThat(node2.consoleText()).contains("iPXE").contains("kubermesh-setup: no disk of at least");
            // Every machine reaches every other, asked of each agent (node1's and node2's through the gateway's).
            Map<String, Map<String, Boolean>> reach = lab.reachability(60);
            System.out.printf("reachability in %.1f s: %s%n", seconds(checks), reach);
            reach.forEach((from, to) -> to.forEach((target, ok) -> assertThat(ok).as(from + " -> " + target).isTrue()));
            // The cabling check sees all three cables; the one between the netbooted machines by their adjacency.
            Map<String, String> placement = lab.substrate().placement("node1");
            System.out.printf("node1's placement in %.1f s: %s%n", seconds(checks), placement);
            assertThat(placement.get("cable gateway:0-node1:0")).startsWith("seen: ");
            Lab joinedSite = lab;
            try {
                // node1 joined last, its second port's adjacency may still be forming (under TCG: tens of seconds)
                awaitTrue(Duration.ofSeconds(90), "node1 and node2 routing neighbours over node1:1-node2:1", () -> String.valueOf(
                        joinedSite.substrate().placement("node1").get("cable node1:1-node2:1")).contains("routing neighbour"));
            } finally {
                for (String m : List.of("node1", "node2")) {
                    try (io.kubermesh.agent.control.AgentClient c = new io.kubermesh.agent.control.AgentClient(lab.substrate().agent(m))) {
                        System.out.println(m + "'s neighbours: " + c.neighbours());
                    } catch (RuntimeException e) {
                        System.out.println(m + "'s neighbours: " + e);
                    }
                }
            }
            System.out.printf("node1:1-node2:1 seen at %.1f s%n", seconds(checks));
            assertThat(lab.substrate().placement("node2").get("cable gateway:1-node2:0")).startsWith("seen: ");

            System.out.printf("checks after up took %.1f s%n", seconds(checks));

            // Cut between the two netbooted machines: node1's end (it still reaches the gateway without the cable)
            // taken down by node1's agent, asked through the gateway's with the operator's certificate.
            long cut = System.nanoTime();
            Lab site = lab;
            lab.cut("node1", "node2");
            assertThat(lab.substrate().topology().cables()).hasSize(2);
            assertThat(lab.substrate().placement("node1")).containsEntry("cable node1:1-node2:1", "cut (node1:1 is down)");
            String node2Host = status.stream().filter(m -> m.name().equals("node2")).findFirst().orElseThrow().host();
            awaitTrue(Duration.ofSeconds(60), "node1's port 1 without a routing neighbour, node2 reached round the ring", () -> {
                try (io.kubermesh.agent.control.AgentClient c = new io.kubermesh.agent.control.AgentClient(site.substrate().agent("node1"))) {
                    boolean alone = c.neighbours().ports().stream().filter(p -> p.index() == 1)
                            .allMatch(p -> p.adjacencies().stream().noneMatch(io.kubermesh.agent.control.ControlAnswers.Adjacency::full));
                    return alone && c.probe(List.of(node2Host)).probes().get(0).reachable();
                }
            });
            System.out.printf("node1:1-node2:1 cut, node2 reached through the gateway, in %.1f s%n", seconds(cut));
            long joined = System.nanoTime();
            lab.join("node1", "node2");
            assertThat(lab.substrate().topology().cables()).hasSize(3);
            awaitTrue(Duration.ofSeconds(120), "node1 and node2 routing neighbours again over node1:1-node2:1",
                    () -> String.valueOf(site.substrate().placement("node1").get("cable node1:1-node2:1")).contains("routing neighbour"));
            System.out.printf("node1:1-node2:1 joined again, routing neighbours in %.1f s%n", seconds(joined));

            // Off through its BMC: the OS is asked first (the ACPI power button, which the node OS answers by
            // shutting down in order), then, only after the grace, the power is cut; reported off.
            long off = System.nanoTime();
            lab.shutdown("node1", Duration.ofSeconds(90));
            double offSeconds = seconds(off);
            System.out.printf("node1 powered off in %.1f s%n", offSeconds);
            assertThat(ipmi.chassis().consoleText()).as("node1 shut down in order").contains("reboot: Power down");
            // node2 has shown what it is here for: off at once through Redfish (ForceOff), so node1 boots alone.
            lab.kill("node2");
            assertThat(node2.powered()).isFalse();
            assertThat(ipmi.ipmitool("chassis", "power", "status")).contains("Chassis Power is off");
            assertThat(lab.substrate().machines()).filteredOn(m -> m.name().equals("node1"))
                    .singleElement().satisfies(m -> assertThat(m.powered()).isFalse());
            assertThat(lab.status()).filteredOn(m -> m.name().equals("node1")).singleElement()
                    .satisfies(m -> assertThat(m.state()).isEqualTo("off"));

            // On again through its BMC: no one-time boot device this time, so its firmware boots the disk it
            // installed, which holds its Ignition config; its node setup runs from there and hands over to the agent.
            int before = ipmi.chassis().consoleText().length();
            long on = System.nanoTime();
            lab.substrate().powerOn("node1");
            System.out.printf("node1 powered on again in %.1f s%n", seconds(on));
            assertThat(ipmi.ipmitool("chassis", "power", "status")).contains("Chassis Power is on");
            String second = awaitConsole(ipmi.chassis(), before, "kubermesh-setup: done: the agent starts next", Duration.ofMinutes(8));
            System.out.printf("node1's setup from its disk done %.1f s after power-on%n", seconds(on));
            assertThat(ipmi.chassis().starts()).containsExactly("boot=pxe", "boot=none");
            assertThat(second).contains("kubermesh-setup: Ignition config from the disk").contains("booted from disk")
                    .doesNotContain("kubermesh-setup: installing on").doesNotContain("Start PXE");
        } finally {
            // Each step on its own, so a failing one leaves no VM running on the host.
            String after1 = null;
            Boolean after2 = null;
            try {
                keepLogs(dir);
                if (lab != null) {
                    lab.down();
                }
            } finally {
                try {
                    if (ipmi != null) {
                        after1 = ipmi.ipmitool("chassis", "power", "status").strip();
                        System.out.println("node1 after down: " + after1);
                    }
                } finally {
                    if (ipmi != null) {
                        ipmi.close();
                    }
                    try {
                        if (redfish != null) {
                            after2 = redfish.chassis().powered();
                        }
                    } finally {
                        if (redfish != null) {
                            redfish.close();
                        }
                        HostTools.deleteTree(dir);
                        System.out.printf("BaremetalNodeOsIT took %.1f s (%s)%n", seconds(started), accel);
                    }
                }
            }
            if (after1 != null) {
                assertThat(after1).as("down powers off what up powered on").contains("Chassis Power is off");
            }
            if (after2 != null) {
                assertThat(after2).as("node2 after down").isFalse();
            }
        }
        assertThat(NetworkNamespaces.exists(NETNS)).as("the gateway's namespace after down").isFalse();
    }

    /**
     * Every console and agent log of the site (the gateway agent's, the chassis' serial consoles)
     * copied to target/it-logs before down and the test remove them: what a failure is read from.
     */
    private static void keepLogs(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            Path logs = Files.createDirectories(Path.of("target/it-logs"));
            for (Path f : s.filter(f -> f.getFileName().toString().endsWith(".log") && Files.isRegularFile(f)).toList()) {
                String name = "bmn-" + dir.relativize(f).toString().replace('/', '-');
                Files.copy(f, logs.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            System.out.println("keeping the site's logs: " + e);
        }
    }

    private static void awaitTrue(Duration within, String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (condition.getAsBoolean()) {
                    return;
                }
            } catch (RuntimeException e) {
                last = e;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("not within " + within.toSeconds() + " s: " + what + (last == null ? "" : " (last error: " + last + ")"));
    }

    /** The node setup's component in the machine's status (its agent's, asked through the gateway). */
    private static ComponentStatus setup(List<MachineView> status, String machine) {
        return status.stream().filter(m -> m.name().equals(machine)).findFirst().orElseThrow().components().stream()
                .filter(x -> x.name().equals("setup")).findFirst()
                .orElseThrow(() -> new AssertionError("no setup component in " + machine + "'s status"));
    }

    /** The console written since {@code from} once it holds {@code line}; fails after {@code within}. */
    private static String awaitConsole(QemuChassis chassis, int from, String line, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            String text = chassis.consoleText();
            String since = text.length() > from ? text.substring(from) : "";
            if (since.contains(line)) {
                return since;
            }
            Thread.sleep(1000);
        }
        String text = chassis.consoleText();
        throw new AssertionError("no '" + line + "' on the console within " + within.toSeconds() + " s; it ends with:\n"
                + text.substring(Math.max(from, text.length() - 3000)));
    }

    /** A BMC password as an operator keeps it: a file of mode 0600. */
    private static void password(Path dir, String name, String value) throws java.io.IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, value + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }
}
