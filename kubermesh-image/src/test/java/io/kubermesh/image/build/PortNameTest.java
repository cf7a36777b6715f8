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

    /**
     * udev runs the script once per NIC at every boot, where every program started is tens of
     * milliseconds under emulation: with eight NICs among 24 PCI devices it starts the same few
     * programs as with one (the old script started two per PCI device, about 40 per NIC).
     */
    @Test
    void itStartsAFixedFewProgramsHoweverManyPciDevicesThereAre() throws Exception {
        for (int slot = 1; slot <= 24; slot++) {
            String address = String.format("0000:00:%02x.0", slot);
            pci(address, slot % 3 == 0 ? "0x020000" : "0x060400");
            if (slot % 3 == 0) {
                net("eth" + slot / 3, "devices/pci0000:00/" + address + "/virtio" + slot);
            }
        }
        Path bin = Files.createDirectories(sys.resolve("bin"));
        Path log = sys.resolve("programs.log");
        for (String program : java.util.List.of("cat", "readlink", "sort", "basename", "dirname", "ls", "find")) {
            Path shim = bin.resolve(program);
            String real = "/usr/bin/" + program;
            if (!Files.isExecutable(Path.of(real))) {
                real = "/bin/" + program;
            }
            Files.writeString(shim, "#!/bin/sh\necho " + program + " >> " + log + "\nexec " + real + " \"$@\"\n");
            shim.toFile().setExecutable(true);
        }
        assertThat(name("eth4", bin)).isEqualTo("cluster3");
        java.util.List<String> started = Files.readAllLines(log);
        assertThat(started).as("programs the script started").containsExactlyInAnyOrder("readlink", "sort", "readlink");
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
        return name(nic, null);
    }

    /** With {@code bin} first on the PATH (shims that log the programs the script starts), when not null. */
    private String name(String nic, Path bin) throws Exception {
        Path script = sys.resolve("port-name");
        Files.writeString(script, NodeFiles.PORT_NAME);
        ProcessBuilder pb = new ProcessBuilder("sh", script.toString(), nic).redirectErrorStream(true);
        pb.environment().put("SYSFS", sys.toString());
        if (bin != null) {
            pb.environment().put("PATH", bin + ":" + pb.environment().getOrDefault("PATH", "/usr/bin:/bin"));
        }
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
    }
}
