package io.kubermesh.image.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The port naming script against a made-up sysfs: two PCI NICs whose drivers bound in the
 * opposite order of their addresses, a PCI disk controller between them, and a USB NIC.
 */
class PortNameTest {
    @TempDir
    Path sys;

    @Test
    void portsFollowPciPathOrderWhateverTheKernelNamedThem() throws Exception {
        pci("0000:00:02.0", "0x020000");
        pci("0000:00:03.0", "0x010802");
        pci("0000:00:1c.0/0000:02:00.0", "0x020000");
        pci("0000:00:14.0", "0x0c0330");
        net("eth0", "devices/pci0000:00/0000:00:1c.0/0000:02:00.0");
        net("eth1", "devices/pci0000:00/0000:00:02.0/virtio1");
        net("enx001122334455", "devices/pci0000:00/0000:00:14.0/usb1/1-1/1-1:1.0");
        assertThat(name("eth1")).isEqualTo("cluster0");
        assertThat(name("eth0")).isEqualTo("cluster1");
        assertThat(name("enx001122334455")).isEqualTo("cluster2");
    }

    @Test
    void aPciNicWithoutItsDriverStillHoldsItsNumber() throws Exception {
        pci("0000:00:02.0", "0x020000");
        pci("0000:00:04.0", "0x020000");
        net("eth0", "devices/pci0000:00/0000:00:04.0");
        assertThat(name("eth0")).isEqualTo("cluster1");
    }

    private void pci(String path, String cls) throws IOException {
        Path dev = Files.createDirectories(sys.resolve("devices/pci0000:00").resolve(path));
        Files.writeString(dev.resolve("class"), cls + "\n");
        Path link = Files.createDirectories(sys.resolve("bus/pci/devices")).resolve(dev.getFileName());
        Files.createSymbolicLink(link, dev);
    }

    private void net(String name, String device) throws IOException {
        Path dev = Files.createDirectories(sys.resolve(device));
        Path dir = Files.createDirectories(sys.resolve("class/net").resolve(name));
        Files.createSymbolicLink(dir.resolve("device"), dev);
    }

    private String name(String nic) throws Exception {
        Path script = sys.resolve("port-name");
        Files.writeString(script, NodeFiles.PORT_NAME);
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), nic).redirectErrorStream(true);
        pb.environment().put("SYSFS", sys.toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
