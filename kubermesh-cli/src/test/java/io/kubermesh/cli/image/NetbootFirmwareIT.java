package io.kubermesh.cli.image;

import io.kubermesh.api.MacAddress;
import io.kubermesh.api.NodeBlock;
import io.kubermesh.boot.lab.QemuVm;
import io.kubermesh.image.build.ImageResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The node OS through the other firmware paths, from one first machine (OVMF, its USB image) cabled
 * to two diskless machines one after the other: a UEFI HTTP boot over IPv6 (OVMF's HttpBootDxe,
 * the loader fetched over HTTP, no TFTP), and a legacy BIOS machine whose NIC's iPXE option ROM
 * boots over IPv6 (powered on once the first has its iPXE script, so the two boot at once). Both get the node kernel and initrd from the first machine, apply the Ignition
 * config it serves them, find no disk (so they run from memory and keep the netboot image in RAM)
 * and start their agents with their planned identities.
 */
class NetbootFirmwareIT {
    static final String FIRST = "52:54:00:4b:00:31";
    static final String FIRST_PORT1 = "52:54:00:4b:00:32";
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
            lab.bootFirst(image, FIRST, Vms.cableNic("n0", a0, b0, FIRST, ",romfile="),
                    Vms.cableNic("n1", a1, b1, FIRST_PORT1, ",romfile="));

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

    private static void booted(QemuVm vm, String mac, String what) throws InterruptedException {
        NodeBlock node = ImageLab.SEED.node(MacAddress.parse(mac));
        ImageLab.await(vm, "kubermesh: installing profile kubermesh on " + mac, Duration.ofMinutes(8));
        double script = vm.elapsed();
        ImageLab.await(vm, "kubermesh-setup: Ignition config fetched", Duration.ofMinutes(12));
        ImageLab.await(vm, "kubermesh-setup: no disk of at least", Duration.ofMinutes(3));
        ImageLab.await(vm, "identity " + mac + ", host " + node.host(), Duration.ofMinutes(8));
        System.out.printf("%s (%s): iPXE script at %.1f s, agent at %.1f s after power-on%n", what, Vms.accelerator(), script,
                vm.elapsed());
        assertThat(vm.consoleText()).contains("kubermesh-setup: serving the netboot image from memory");
    }
}
