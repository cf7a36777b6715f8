package io.kubermesh.provider.libvirt;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.api.HostRequirements;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KVM firmware probe's verdict against what the firmware itself does under KVM on this host:
 * where the probe says KVM runs OVMF, OVMF under KVM reaches its boot manager ({@code BdsDxe} on
 * the serial console) within seconds; where it says not, OVMF under KVM never gets there, and the
 * probe names qemu's error. Either way the probe leaves no process or file behind.
 */
class KvmFirmwareProbeIT {
    private static final Path CODE = Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd");
    private static final Path VARS = Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd");

    @BeforeAll
    static void environment() {
        LibvirtFixture.requireEnvironment();
    }

    @Test
    void theProbesVerdictIsWhatTheFirmwareDoesUnderKvm() throws Exception {
        List<Path> before = probeDirectories();
        Optional<String> failure = KvmFirmwareProbe.failure(CODE, VARS);
        assertThat(probeDirectories()).isEqualTo(before);
        String serial = bootUnderKvm(Duration.ofSeconds(failure.isEmpty() ? 60 : 20));
        System.out.println("KVM firmware probe: " + failure.map(f -> "cannot run OVMF: " + f).orElse("runs OVMF")
                + "; OVMF's serial under KVM: " + serial.length() + " bytes");
        if (failure.isEmpty()) {
            assertThat(serial).contains("BdsDxe");
        } else {
            assertThat(serial).doesNotContain("BdsDxe");
            assertThat(failure.get()).containsAnyOf("KVM", "kvm", "qemu exited");
        }
    }

    /** Runs OVMF under KVM for at most {@code patience}, or until its boot manager shows; returns its serial console. */
    private static String bootUnderKvm(Duration patience) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("km-kvm-it-");
        Path vars = dir.resolve("vars.fd");
        Path serial = dir.resolve("serial.log");
        Files.copy(VARS, vars);
        Process p = HostRequirements.QEMU.args(List.of("-machine", "q35,accel=kvm", "-m", "256", "-nodefaults", "-display",
                "none", "-monitor", "none", "-no-reboot", "-net", "none", "-serial", "file:" + serial,
                "-drive", "if=pflash,format=raw,readonly=on,file=" + CODE, "-drive", "if=pflash,format=raw,file=" + vars))
                .processBuilder().redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            long deadline = System.nanoTime() + patience.toNanos();
            while (System.nanoTime() < deadline && p.isAlive()) {
                if (Files.exists(serial) && Files.readString(serial, StandardCharsets.ISO_8859_1).contains("BdsDxe")) {
                    break;
                }
                Thread.sleep(250);
            }
            return Files.exists(serial) ? Files.readString(serial, StandardCharsets.ISO_8859_1) : "";
        } finally {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    private static List<Path> probeDirectories() throws IOException {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(f -> f.getFileName().toString().startsWith("km-kvm-probe-")).sorted().toList();
        }
    }
}
