package io.kubermesh.cli.image;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.boot.lab.Exec;
import io.kubermesh.boot.lab.QemuVm;
import io.kubermesh.controlplane.kubernetes.ClusterYaml;
import io.kubermesh.image.build.ImageResult;
import io.kubermesh.image.node.IgnitionConfig;
import io.kubermesh.image.node.NodeLayout;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A blank machine boots the node OS from the first machine: two OVMF VMs cabled point to point
 * (a qemu datagram socket pair), the first booting its USB image, the second with an empty disk
 * booting by UEFI PXE over IPv6 (DHCPv6, TFTP of the loader, iPXE's DHCPv6, boot.ipxe, the node
 * kernel and initrd, all served by the first machine's agent). It installs itself on its disk,
 * phones home, starts its agent with its planned identity and routes: a third node, a kubermesh
 * agent in the lab namespace cabled to the first machine's other port, reaches both host addresses,
 * the second one through the first. Powered off and on, the second machine is told to boot from
 * its disk, does, and is reachable again.
 */
class NetbootInstallIT {
    static final String FIRST = "52:54:00:4b:00:11";
    static final String FIRST_TO_TEST = "52:54:00:4b:00:12";
    static final String BLANK = "52:54:00:4b:00:21";
    static final String TEST_NODE = "52:54:00:4b:00:ff";
    /** Where a node's credentials go; the test node's are written to its {@code state/pki}. */
    static final String PKI = NodeLayout.STATE + "/pki/";

    @Test
    void aBlankMachineNetbootsInstallsRoutesAndBootsAgainFromItsDisk() throws Exception {
        ImageResult image = NodeImage.get();
        try (ImageLab lab = new ImageLab("netboot")) {
            NodeBlock first = ImageLab.SEED.node(MacAddress.parse(FIRST));
            NodeBlock blank = ImageLab.SEED.node(MacAddress.parse(BLANK));
            Path a = lab.dir.resolve("cable-a.sock");
            Path b = lab.dir.resolve("cable-b.sock");
            String tap = lab.tap("cluster0", TEST_NODE);
            lab.bootFirst(image, FIRST, Vms.cableNic("n0", a, b, FIRST, ",romfile="),
                    Vms.tapNic("n1", tap, FIRST_TO_TEST, ",romfile="), Vms.agentPort(lab.dir.resolve("agent1.sock")));

            // The test's own node: the kubermesh agent in the lab namespace, its port 0 the tap.
            // It is enrolled as any machine on that cable is (issue 15): its credentials and the
            // routing key come from the first machine's boot chain, else OSPF forms no adjacency.
            enrol(lab, first, lab.dir.resolve("test-node"));
            Path config = Files.writeString(lab.dir.resolve("cluster.yaml"), ClusterYaml.write(ClusterConfig.seed()));
            lab.start(Path.of("target/it-logs/netboot-test-node.log"), "java", "-jar",
                    Path.of("target/kubermesh-cli.jar").toAbsolutePath().toString(), "agent", "--config", config.toString(),
                    "--state", lab.dir.resolve("test-node").toString(), "--name", "kmimg-test");

            Path disk2 = Vms.blankDisk(lab.dir.resolve("disk2.img"), 4L << 30);
            List<String> blankArgs = Vms.args(lab.uefi("vars-blank.fd"),
                    List.of("-fw_cfg", "name=opt/org.tianocore/IPv4PXESupport,string=n"),
                    Vms.cableNic("n0", b, a, BLANK, ",romfile=,bootindex=1"), Vms.disk("d0", disk2, 2),
                    Vms.agentPort(lab.dir.resolve("agent2.sock")));
            long t = System.nanoTime();
            QemuVm vm2 = lab.boot("blank", blankArgs);
            ImageLab.await(vm2, "kubermesh: installing profile kubermesh on " + BLANK, Duration.ofMinutes(8));
            double ipxe = vm2.elapsed();
            ImageLab.await(vm2, "kubermesh-setup: installed on /dev/vda", Duration.ofMinutes(15));
            double installed = vm2.elapsed();
            ImageLab.await(vm2, "kubermesh-setup: phoned home installed as " + BLANK, Duration.ofMinutes(2));
            ImageLab.await(vm2, "identity " + BLANK + ", host " + blank.host(), Duration.ofMinutes(8));
            double agent = vm2.elapsed();
            System.out.printf("blank machine (%s): iPXE script at %.1f s, installed at %.1f s, agent at %.1f s%n",
                    Vms.accelerator(), ipxe, installed, agent);

            reachable(lab, first.host().toString());
            reachable(lab, blank.host().toString());
            // Machine records are the node's and the operator's, not the mesh's (issue 15): refused
            // here; the record's state shows below, when the next boot is sent to the disk.
            Exec.Result record = Exec.inNetns(lab.netns, 60, "curl", "-sS", "-m", "30", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://[" + first.host() + "]:8080/machines/" + BLANK);
            assertThat(record.output().strip()).as("the first machine's records, asked from the mesh").isEqualTo("403");

            lab.powerOff(vm2);
            QemuVm again = lab.boot("blank-again", blankArgs);
            ImageLab.await(again, "kubermesh: " + BLANK + " is installed, booting from its disk", Duration.ofMinutes(8));
            ImageLab.await(again, "kubermesh-setup: Ignition config from the disk", Duration.ofMinutes(10));
            ImageLab.await(again, "identity " + BLANK + ", host " + blank.host(), Duration.ofMinutes(8));
            System.out.printf("blank machine rebooted from its disk: agent at %.1f s (whole test %.0f s)%n", again.elapsed(),
                    (System.nanoTime() - t) / 1e9);
            reachable(lab, blank.host().toString());
        }
    }

    /**
     * Enrols the test node through the first machine's boot services, as the lab firmware does:
     * from a pool address of the first machine's port on the tap, {@code ipxe?mac=} gives the
     * install script with the Ignition URL (and its boot secret), the Ignition config carries the
     * credentials, written to {@code state/pki}. The first machine's port facing the tap is found
     * by asking each port's server address.
     */
    private static void enrol(ImageLab lab, NodeBlock first, Path state) throws Exception {
        String mac = TEST_NODE.replace(':', '-');
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < 8; i++) {
                io.kubermesh.api.PortPrefix port = ImageLab.SEED.port(MacAddress.parse(FIRST), i);
                String pool = port.pool().get(port.pool().size() - 1) + "/126";
                Exec.inNetns(lab.netns, 10, "ip", "-6", "addr", "add", pool, "dev", "cluster0", "nodad");
                try {
                    String base = "http://[" + port.thisEnd() + "]:8080/";
                    Exec.Result script = Exec.inNetns(lab.netns, 15, "curl", "-sS", "-m", "5", base + "ipxe?mac=" + mac
                            + "&uuid=test&buildarch=x86_64&serial=test");
                    java.util.regex.Matcher url = java.util.regex.Pattern.compile("ignition\\.config\\.url=(\\S+)")
                            .matcher(script.output());
                    if (script.exit() != 0 || !url.find()) {
                        last = "port " + i + ": " + script.output().strip();
                        continue;
                    }
                    Exec.Result ignition = Exec.inNetns(lab.netns, 40, "curl", "-sS", "-m", "30", "-f", url.group(1));
                    if (ignition.exit() != 0) {
                        last = "port " + i + ": Ignition: " + ignition.output().strip().replaceAll("secret=[0-9a-f]*", "secret=…");
                        continue;
                    }
                    Path pki = Files.createDirectories(state.resolve("pki"));
                    int written = 0;
                    for (IgnitionConfig.File f : IgnitionConfig.parse(ignition.output()).files()) {
                        if (f.path().startsWith(PKI)) {
                            Files.write(pki.resolve(f.path().substring(PKI.length())), f.contents());
                            written++;
                        }
                    }
                    assertThat(written).as("credentials in the test node's Ignition config").isEqualTo(4);
                    return;
                } finally {
                    Exec.inNetns(lab.netns, 10, "ip", "-6", "addr", "del", pool, "dev", "cluster0");
                }
            }
            Thread.sleep(2000);
        }
        throw new AssertionError("the test node was not enrolled by the first machine: " + last);
    }

    /** The test node pings {@code host} until it answers (until OSPF has the route: no route is an error at once), at most three minutes. */
    private static void reachable(ImageLab lab, String host) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        Exec.Result ping;
        do {
            ping = Exec.inNetns(lab.netns, 30, "ping", "-6", "-c", "1", "-W", "3", host);
            if (ping.exit() == 0) {
                return;
            }
            Thread.sleep(2000);
        } while (System.nanoTime() < deadline);
        Exec.Result routes = Exec.inNetns(lab.netns, 30, "ip", "-6", "route");
        assertThat(ping.exit()).as("test node -> %s%n%s%nroutes:%n%s", host, ping.output(), routes.output()).isZero();
    }
}
