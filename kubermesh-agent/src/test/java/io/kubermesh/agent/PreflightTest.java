package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PreflightTest {
    @TempDir
    Path dir;

    private static final Requirement.Program ABSENT = new Requirement.Program("kmop-absent", "/nonexistent/kmop-absent",
            "kmop-pkg", "a test");

    @Test
    void aMissingProgramFileAndFeatureAreNamedWithOneInstallLine() {
        Requirement.File loader = HostRequirements.bootLoader(dir, "snponly.efi");
        Requirement.KernelFeature feature = new Requirement.KernelFeature("kmop feature", List.of(),
                List.of(dir.resolve("no-such-entry")), "a test");
        List<Preflight.Need> needs = List.of(new Preflight.Need("etcd", ABSENT), new Preflight.Need("boot", loader),
                new Preflight.Need("node", feature), new Preflight.Need("boot", HostRequirements.bootLoader(dir, "undionly.kpxe")));
        List<Preflight.Missing> missing = Preflight.missing(needs);
        assertThat(missing).extracting(Preflight.Missing::reason).containsExactly("/nonexistent/kmop-absent is not installed",
                dir.resolve("snponly.efi") + " is missing", "this kernel has no kmop feature",
                dir.resolve("undionly.kpxe") + " is missing");
        assertThat(Preflight.remedy(missing)).isEqualTo("apt-get install -y kmop-pkg ipxe; a kernel with kmop feature");
        assertThatThrownBy(() -> Preflight.require(needs)).isInstanceOf(EnvironmentException.class)
                .hasMessageContaining("etcd: /nonexistent/kmop-absent is not installed (a test)")
                .satisfies(e -> assertThat(((EnvironmentException) e).remedy())
                        .contains("apt-get install -y kmop-pkg ipxe; a kernel with kmop feature"));
    }

    @Test
    void whatIsPresentIsNotMissing() throws Exception {
        Files.writeString(dir.resolve("snponly.efi"), "x");
        Path exe = Files.createFile(dir.resolve("tool"));
        exe.toFile().setExecutable(true);
        Requirement.Program present = new Requirement.Program("kmop-tool", exe.toString(), "kmop-pkg", "a test");
        assertThat(Preflight.missing(List.of(new Preflight.Need("boot", HostRequirements.bootLoader(dir, "snponly.efi")),
                new Preflight.Need("x", present), new Preflight.Need("node", HostRequirements.NETWORK_NAMESPACES)))).isEmpty();
        Preflight.require(List.of());
    }

    @Test
    void aProgramOnPathIsFoundThere() {
        // sh is on PATH on every machine that runs this build.
        Requirement.Program sh = new Requirement.Program("kmop-sh", "sh", "dash", "a test");
        assertThat(Preflight.why(sh)).isEmpty();
        Requirement.Program none = new Requirement.Program("kmop-none", "kmop-no-such-program", "kmop-pkg", "a test");
        assertThat(Preflight.why(none)).contains("kmop-no-such-program is not installed (not on PATH)");
    }
}
