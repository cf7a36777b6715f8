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
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The first machine boots its USB image with real UEFI firmware: OVMF, the built {@code usb.img}
 * as its only disk, no network boot. Its console shows the kernel, the setup reading the first
 * machine's Ignition config from the data partition and the agent's line with its identity and
 * host address, which must be the plan's for its NIC's MAC. Through its port (a tap in the lab
 * namespace, the test standing where a neighbour would) its host address answers ICMPv6 and its
 * boot HTTP server answers, so the agent has set up the stub and serves boot on the port.
 */
class FirstMachineBootIT {
    static final String MAC = "52:54:00:4b:00:01";

    @Test
    void theUsbImageBootsUnderUefiAndTheAgentTakesItsPlannedIdentity() throws Exception {
        ImageResult image = NodeImage.get();
        try (ImageLab lab = new ImageLab("first")) {
            NodeBlock node = ImageLab.SEED.node(MacAddress.parse(MAC));
            PortPrefix port0 = node.port(0);
            String tap = lab.tap("kmimgt0", "52:54:00:4b:00:f0");
            Path disk = lab.copy(image.usbImage(), "usb.img");
            Path vars = lab.copy(Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"), "vars.fd");
            long start = System.nanoTime();
            QemuVm vm = lab.boot("vm1", Vms.args(Vms.uefi(vars, 2048, UUID.randomUUID().toString()), Vms.disk("d0", disk, 1),
                    Vms.tapNic("n0", tap, MAC, ",romfile="), Vms.agentPort(lab.dir.resolve("agent.sock"))));
            ImageLab.await(vm, "Linux version", Duration.ofMinutes(4));
            double kernel = vm.elapsed();
            ImageLab.await(vm, "kubermesh-setup: Ignition config from the disk", Duration.ofMinutes(6));
            String agent = ImageLab.await(vm, "kubermesh agent km-first: identity", Duration.ofMinutes(6));
            double ready = vm.elapsed();
            assertThat(agent).contains("identity " + MAC + ", host " + node.host());
            // Its status, over the virtio-serial port as the libvirt substrate asks it, shows the
            // node setup that ran before the agent as a component (the agent unit's drop-in names
            // the setup's result file).
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

            // The test stands on the other end of the cable: a pool address of the first machine's port 0.
            lab.inNetns("ip", "-6", "addr", "add", port0.pool().get(0) + "/126", "dev", tap, "nodad");
            lab.inNetns("ip", "-6", "route", "add", node.host() + "/128", "via", port0.thisEnd().toString(), "dev", tap);
            Exec.Result ping = Exec.inNetns(lab.netns, 120, "ping", "-6", "-c", "1", "-w", "90", node.host().toString());
            assertThat(ping.exit()).as(ping.output()).isZero();
            Exec.Result http = Exec.inNetns(lab.netns, 60, "curl", "-sS", "-m", "30", "-o", "/dev/null", "-w", "%{http_code}",
                    "http://[" + node.host() + "]:8080/machines");
            // The boot HTTP server answers on the mesh, and keeps its machine list from it (the
            // node itself and the operator only, issue 15).
            assertThat(http.output().strip()).as("the boot HTTP server on the first machine refuses /machines to the mesh")
                    .isEqualTo("403");
            Exec.Result kernelAsset = Exec.inNetns(lab.netns, 120, "curl", "-sS", "-m", "100", "-o", "/dev/null", "-w",
                    "%{http_code} %{size_download}", "http://[" + node.host() + "]:8080/assets/kubermesh/vmlinuz");
            assertThat(kernelAsset.output().strip()).as("the first machine serves the netboot image from its ESP")
                    .isEqualTo("200 " + java.nio.file.Files.size(image.kernel()));
            System.out.printf("first machine (%s): kernel at %.1f s, agent ready at %.1f s after power-on (%.1f s wall)%n",
                    Vms.accelerator(), kernel, ready, (System.nanoTime() - start) / 1e9);
        }
    }
}
