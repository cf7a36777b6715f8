package io.kubermesh.provider.libvirt;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Whether KVM on this host can run the lab's UEFI firmware. libvirt offers KVM domains whenever
 * {@code /dev/kvm} opens, but some hosts' KVM cannot run OVMF: on a nested host whose KVM has no
 * VMX underneath (2026-12-06, this project's CI machine with its device opened up), every OVMF
 * domain stops in its first instructions with "KVM internal error. Suberror: 1 ... emulation
 * failure" and stays paused, while SeaBIOS runs. A lab that chose KVM there would wait out its
 * boot timeout with nothing on any console. So before the lab uses KVM, qemu runs the firmware
 * under KVM for {@link #WATCH} (no disk, no network, a scratch copy of the variable store) and
 * the probe reads what qemu printed.
 */
public final class KvmFirmwareProbe {
    /** How long the firmware runs: the failure above comes within milliseconds of power-on. */
    static final Duration WATCH = Duration.ofSeconds(3);

    private KvmFirmwareProbe() {
    }

    /**
     * Empty when OVMF ran under KVM for {@link #WATCH} without an error from qemu; otherwise what
     * qemu said (its first lines).
     *
     * <p>The variable store's copy and qemu's output go to a {@code km-kvm-probe-} directory
     * under {@code java.io.tmpdir}, removed after.
     */
    public static Optional<String> failure(Path code, Path varsTemplate) {
        Path scratch;
        try {
            scratch = Files.createTempDirectory("km-kvm-probe-");
        } catch (IOException e) {
            throw new SubstrateException("cannot make a scratch directory to probe KVM: " + e.getMessage(), e);
        }
        Path vars = scratch.resolve("vars.fd");
        Path out = scratch.resolve("qemu.out");
        Process p = null;
        try {
            Files.copy(varsTemplate, vars, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            p = HostRequirements.QEMU.args(List.of("-machine", "q35,accel=kvm", "-m", "128", "-nodefaults", "-display", "none",
                    "-serial", "none", "-monitor", "none", "-no-reboot", "-net", "none",
                    "-drive", "if=pflash,format=raw,readonly=on,file=" + code,
                    "-drive", "if=pflash,format=raw,file=" + vars)).processBuilder()
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean exited = p.waitFor(WATCH.toMillis(), TimeUnit.MILLISECONDS);
            String said = Files.exists(out) ? Files.readString(out, StandardCharsets.UTF_8) : "";
            if (said.contains("KVM internal error") || said.contains("emulation failure")) {
                return Optional.of(firstLines(said));
            }
            if (exited) {
                return Optional.of("qemu exited with " + p.exitValue() + (said.isBlank() ? "" : ": " + firstLines(said)));
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new SubstrateException("cannot run qemu to probe KVM with " + code + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted while probing KVM", e);
        } finally {
            if (p != null) {
                p.destroyForcibly();
                try {
                    p.waitFor(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            try {
                Files.deleteIfExists(vars);
                Files.deleteIfExists(out);
                Files.deleteIfExists(scratch);
            } catch (IOException e) {
                throw new SubstrateException("cannot remove the KVM probe's scratch directory " + scratch + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * What to say of qemu's output: its "KVM internal error" and "emulation failure" lines when it
     * printed them (the register dump after them says nothing to an operator), else its first
     * three lines, warnings about CPU features aside.
     */
    static String firstLines(String said) {
        List<String> lines = said.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.contains("host doesn't support requested feature")).toList();
        List<String> kvm = lines.stream().filter(l -> l.startsWith("KVM internal error") || l.equals("emulation failure")).toList();
        return String.join(" / ", kvm.isEmpty() ? lines.subList(0, Math.min(3, lines.size())) : kvm);
    }
}
