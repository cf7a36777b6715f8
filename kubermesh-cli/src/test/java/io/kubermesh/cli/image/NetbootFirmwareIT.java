package io.kubermesh.cli.image;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.api.PortPrefix;
import io.kubermesh.boot.lab.Exec;
import io.kubermesh.boot.lab.QemuVm;
import io.kubermesh.image.build.ImageResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first machine boots its USB image with real UEFI firmware (OVMF, the built {@code usb.img}
 * as its only disk, no network boot): its agent takes the plan's identity and host address for
 * its NIC's MAC, its status over virtio-serial shows the node setup, and through its port 2 (a tap
 * in the lab namespace, the test standing where a neighbour would) its host address answers
 * ICMPv6 and its boot HTTP server answers, refusing {@code /machines} to the mesh and serving the
 * netboot image from its ESP. (This was FirstMachineBootIT, a VM boot of its own; under TCG the
 * first machine here boots anyway.)
 *
 * <p>The node OS through the other firmware paths, from that first machine cabled
 * to two diskless machines one after the other: a UEFI HTTP boot over IPv6 (OVMF's HttpBootDxe,
 * the loader fetched over HTTP, no TFTP), and a legacy BIOS machine whose NIC's iPXE option ROM
 * boots over IPv6 (powered on once the first has its iPXE script, so the two boot at once). Both get the node kernel and initrd from the first machine, apply the Ignition
 * config it serves them, find no disk (so they run from memory and keep the netboot image in RAM)
 * and finish the node setup, which hands over to the agent. The agent's start on a netbooted
 * machine does not depend on the firmware that booted it; {@code LibvirtLabIT} shows it (three
 * UEFI PXE netboots that join), so this test stops at the hand-over, a minute or two earlier
 * under TCG.
 */
class NetbootFirmwareIT {
    static final String FIRST = "52:54:00:4b:00:31";
    static final String FIRST_PORT1 = "52:54:00:4b:00:32";
    static final String FIRST_PORT2 = "52:54:00:4b:00:33";
    static final String HTTP = "52:54:00:4b:00:41";
    static final String BIOS = "52:54:00:4b:00:51";

    @Test
    void uefiHttpBootAndABiosIpxeRomBothBootTheNodeOs() throws Exception {
        ImageResult image = NodeImage.get();
        try (ImageLab lab = new ImageLab("firmware")) {
            Path a0 = lab.dir.resolve("a0.sock");
            Path b0 = lab.dir.resolve("b0.sock");
            Path a1 = lab.dir.resolve("a1.sock");
            Path b1 = lab.dir.resolve("b1.sock");
            String tap = lab.tap("kmimgt2", "52:54:00:4b:00:f2");
            long start = System.nanoTime();
            QemuVm first = lab.bootFirst(image, FIRST, Vms.cableNic("n0", a0, b0, FIRST, ",romfile="),
                    Vms.cableNic("n1", a1, b1, FIRST_PORT1, ",romfile="), Vms.tapNic("n2", tap, FIRST_PORT2, ",romfile="),
                    Vms.agentPort(lab.dir.resolve("agent.sock")));
            double ready = first.elapsed();
            firstMachineServesItsPort(lab, image, tap);
            System.out.printf("first machine (%s): agent ready at %.1f s after power-on, its port checked %.1f s after%n",
                    Vms.accelerator(), ready, (System.nanoTime() - start) / 1e9);

            // UEFI HTTP boot: only OVMF's "UEFI HTTPv6" option left (see QemuVm.uefiHttpBoot for the boot menu wait).
            QemuVm http = lab.boot("http", Vms.args(
                    lab.uefi("vars-http.fd"),
                    List.of("-boot", "menu=on,splash-time=5000", "-fw_cfg", "name=opt/org.tianocore/IPv4Support,string=n",
                            "-fw_cfg", "name=opt/org.tianocore/IPv4PXESupport,string=n",
                            "-fw_cfg", "name=opt/org.tianocore/IPv6PXESupport,string=n"),
                    Vms.cableNic("n0", b0, a0, HTTP, ",romfile=,bootindex=1")));
            // Its firmware's part done (the loader over HTTP, then iPXE's script), the second machine
            // is powered on while the first boots on: the two are on different ports, and under TCG
            // one after the other would take minutes more of CI.
            ImageLab.await(http, "kubermesh: installing profile kubermesh on " + HTTP, Duration.ofMinutes(8));

            // Legacy BIOS: SeaBIOS runs the virtio NIC's iPXE option ROM (Debian's ipxe-qemu).
            QemuVm bios = lab.boot("bios", Vms.args(Vms.bios(2048, UUID.randomUUID().toString()), List.of("-boot", "n"),
                    Vms.cableNic("n0", b1, a1, BIOS, "")));
            booted(http, HTTP, "UEFI HTTP boot");
            lab.powerOff(http);
            booted(bios, BIOS, "BIOS iPXE ROM");
            assertThat(bios.consoleText()).contains("iPXE");
        }
    }

    private static void firstMachineServesItsPort(ImageLab lab, ImageResult image, String tap) throws Exception {
        NodeBlock node = ImageLab.SEED.node(MacAddress.parse(FIRST));
        PortPrefix port2 = node.port(2);
        // Its status, over the virtio-serial port as the libvirt substrate asks it, shows the node
        // setup that ran before the agent as a component (the agent unit's drop-in names the
        // setup's result file).
        io.kubermesh.agent.ComponentStatus setup = null;
        for (int tries = 0; setup == null && tries < 30; tries++) {
            try (io.kubermesh.agent.control.AgentClient c = new io.kubermesh.agent.control.AgentClient(
                    io.kubermesh.agent.control.UnixAgentChannel.connectSkippingStale(lab.dir.resolve("agent.sock"),
                            Duration.ofSeconds(30)))) {
                setup = c.status().components().stream().filter(x -> x.name().equals("setup")).findFirst()
                        .orElseThrow(() -> new AssertionError("no setup component in the node OS's status"));
            } catch (io.kubermesh.api.KubermeshException e) {
                Thread.sleep(2000); // the agent's control port may not answer at once
            }
        }
        assertThat(setup).as("the agent's status over virtio-serial").isNotNull();
        assertThat(setup.state()).as(setup.toString()).isEqualTo("running");
        assertThat(setup.detail()).startsWith("done: kernel ").contains("booted from disk");

        // The test stands on the other end of the cable: a pool address of the first machine's port 2.
        lab.inNetns("ip", "-6", "addr", "add", port2.pool().get(0) + "/126", "dev", tap, "nodad");
        lab.inNetns("ip", "-6", "route", "add", node.host() + "/128", "via", port2.thisEnd().toString(), "dev", tap);
        Exec.Result ping = Exec.inNetns(lab.netns, 120, "ping", "-6", "-c", "1", "-w", "90", node.host().toString());
        assertThat(ping.exit()).as(ping.output()).isZero();
        Exec.Result http = Exec.inNetns(lab.netns, 60, "curl", "-sS", "-m", "30", "-o", "/dev/null", "-w", "%{http_code}",
                "http://[" + node.host() + "]:8080/machines");
        // The boot HTTP server answers on the mesh, and keeps its machine list from it (the node
        // itself and the operator only, issue 15).
        assertThat(http.output().strip()).as("the boot HTTP server on the first machine refuses /machines to the mesh")
                .isEqualTo("403");
        Exec.Result kernelAsset = Exec.inNetns(lab.netns, 120, "curl", "-sS", "-m", "100", "-o", "/dev/null", "-w",
                "%{http_code} %{size_download}", "http://[" + node.host() + "]:8080/assets/kubermesh/vmlinuz");
        assertThat(kernelAsset.output().strip()).as("the first machine serves the netboot image from its ESP")
                .isEqualTo("200 " + java.nio.file.Files.size(image.kernel()));
    }

    private static void booted(QemuVm vm, String mac, String what) throws InterruptedException {
        ImageLab.await(vm, "kubermesh: installing profile kubermesh on " + mac, Duration.ofMinutes(8));
        double script = vm.elapsed();
        ImageLab.await(vm, "kubermesh-setup: Ignition config fetched", Duration.ofMinutes(12));
        ImageLab.await(vm, "kubermesh-setup: no disk of at least", Duration.ofMinutes(3));
        ImageLab.await(vm, "kubermesh-setup: done: the agent starts next", Duration.ofMinutes(3));
        System.out.printf("%s (%s): iPXE script at %.1f s, node setup done at %.1f s after power-on%n", what,
                Vms.accelerator(), script, vm.elapsed());
        String console = vm.consoleText();
        // Its own Ignition config (asked for under its NIC's MAC, with the machine's identity file), applied.
        assertThat(console).contains("kubermesh-setup: serving the netboot image from memory")
                .contains("/ignition?mac=" + mac).contains("applied: files [/etc/hostname (0644, ")
                .contains("/etc/kubermesh/machine.env (0644, ");
    }
}
