package io.kubermesh.cli.image;

import io.kubermesh.boot.lab.Exec;
import io.kubermesh.image.build.ImageResult;
import io.kubermesh.image.cpio.CpioReader;
import io.kubermesh.image.node.IgnitionConfig;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the built image holds, read back from its bytes: the initrd (every layer, through zstd and
 * the cpio reader) has systemd as /init, the agent, the routing daemons and etcd, no account with
 * a password, no cluster file and no secret; the USB image's data partition (read with debugfs,
 * no mount) holds the first machine's Ignition config with its join token, mode 0600, and that
 * token appears nowhere in the netboot image; the manifest hashes what was written.
 */
class NodeImageContentIT {
    @Test
    void theNetbootImageIsPublicAndTheUsbImageHoldsOnlyTheFirstMachinesSecret() throws Exception {
        ImageResult image = NodeImage.get();
        Map<String, CpioReader.Member> last = new HashMap<>();
        Process zstd = new ProcessBuilder("zstd", "-q", "-d", "-c", image.initrd().toString()).start();
        try (InputStream in = zstd.getInputStream()) {
            new CpioReader(new java.io.BufferedInputStream(in, 1 << 16)).forEach((e, d) ->
                    last.put(e.name(), new CpioReader.Member(e, e.isRegularFile() && d.length > 1 << 20 ? new byte[0] : d)));
        }
        assertThat(zstd.waitFor()).isZero();
        assertThat(last.get("init").text()).isEqualTo("/usr/lib/systemd/systemd");
        assertThat(last).containsKeys("opt/kubermesh/kubermesh-cli.jar", "opt/kubermesh/java/bin/java", "usr/bin/etcd",
                "usr/lib/frr/ospf6d", "usr/sbin/bird", "usr/lib/ipxe/snponly.efi", "usr/lib/ipxe/debian/snponly.efi",
                "usr/lib/systemd/system/kubermesh-agent.service", "usr/lib/kubermesh/port-name");
        // What answers a BMC's soft off (the ACPI power button): logind, which runs only with dbus, hearing the button through evdev.
        assertThat(last).containsKeys("usr/lib/systemd/systemd-logind", "usr/bin/dbus-daemon");
        assertThat(last.get("etc/systemd/logind.conf.d/kubermesh.conf").text()).contains("HandlePowerKey=poweroff",
                "HandleSuspendKey=ignore", "HandleLidSwitch=ignore");
        assertThat(last.keySet()).anyMatch(n -> n.matches("usr/lib/modules/[^/]+/kernel/drivers/input/evdev\\.ko(\\.xz|\\.zst)?"))
                .anyMatch(n -> n.matches("usr/lib/modules/[^/]+/kernel/drivers/acpi/button\\.ko(\\.xz|\\.zst)?"));
        // Modules only reached through ServiceLoader, which jdeps does not see: RandomGenerator.getDefault() (router
        // advertisements) needs jdk.random.
        assertThat(last.get("opt/kubermesh/java/release").text()).contains("jdk.random", "jdk.httpserver", "java.net.http",
                "jdk.crypto.ec", "jdk.naming.dns");
        assertThat(last).doesNotContainKeys("etc/kubermesh/cluster.yaml", "etc/kubermesh/join-token", "etc/initrd-release");
        assertThat(last.keySet()).noneMatch(n -> n.endsWith("ignition.json") || n.endsWith(".pem") || n.endsWith(".key")
                || n.contains("ssh_host_"));
        for (String line : last.get("etc/shadow").text().split("\n")) {
            String pw = line.split(":", -1)[1];
            assertThat(pw.equals("*") || pw.startsWith("!")).as("locked: %s", line.split(":")[0]).isTrue();
        }

        // The first machine's config, from the data partition of usb.img, without mounting it.
        Path data = Path.of("target/it-labs/content-data.img").toAbsolutePath();
        Files.createDirectories(data.getParent());
        String dump = Exec.run(30, "sfdisk", "-d", image.usbImage().toString()).orThrow().output();
        String line = dump.lines().filter(l -> l.contains("kubermesh-data")).findFirst().orElseThrow();
        long start = Long.parseLong(line.replaceAll(".*start=\\s*(\\d+).*", "$1"));
        long size = Long.parseLong(line.replaceAll(".*size=\\s*(\\d+).*", "$1"));
        Exec.run(120, "dd", "if=" + image.usbImage(), "of=" + data, "bs=512", "skip=" + start, "count=" + size).orThrow();
        String stat = Exec.run(30, "debugfs", "-R", "stat /ignition.json", data.toString()).orThrow().output();
        assertThat(stat).contains("Mode:  0600");
        String json = Exec.run(30, "debugfs", "-R", "cat /ignition.json", data.toString()).orThrow().output();
        json = json.substring(json.indexOf('{'));
        IgnitionConfig first = IgnitionConfig.parse(json);
        String token = first.files().stream().filter(f -> f.path().equals("/etc/kubermesh/join-token")).findFirst()
                .orElseThrow().text().strip();
        assertThat(token).hasSize(64);
        // The manifest names the cluster file on the USB image, so a substrate can tell which cluster it deploys.
        String cluster = first.files().stream().filter(f -> f.path().equals(io.kubermesh.boot.machine.ClusterProfile.CLUSTER_FILE))
                .findFirst().orElseThrow().text();
        assertThat(Files.readString(image.manifest())).contains("\"cluster\" : {\n    \"sha256\" : \""
                + io.kubermesh.image.internal.Sha256.of(cluster) + "\"");
        Files.delete(data);

        byte[] initrd = decompressed(image.initrd());
        assertThat(indexOf(initrd, token.getBytes(StandardCharsets.US_ASCII))).as("the join token in the netboot image").isNegative();
        assertThat(Files.readString(image.manifest())).contains("\"path\" : \"usb.img\"", "\"path\" : \"netboot/kubermesh/initrd.img\"",
                io.kubermesh.image.internal.Sha256.of(image.initrd()));
    }

    private static byte[] decompressed(Path file) throws Exception {
        Process p = new ProcessBuilder("zstd", "-q", "-d", "-c", file.toString()).start();
        byte[] all = p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
        return all;
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
