package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import io.kubermesh.api.RoutingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The package set {@code ./kubermesh} installs covers everything the lab uses, taken from the
 * code: every program of the one registry ({@link HostRequirements#PROGRAMS}), every requirement
 * the preflight gathers for the seed cluster with either routing daemon, and the lab's own. A
 * source scan keeps the registry complete: no main source starts a process other than through a
 * {@code CommandLine} made from a registered program.
 */
class PackageSetTest {
    /** Where each way of starting a process, or of making a command line, may appear, and why. */
    private static final Map<Pattern, Set<String>> ALLOWED = Map.of(
            Pattern.compile("new\\s+ProcessBuilder\\s*\\("), Set.of("CommandLine.java"),
            Pattern.compile("Runtime\\s*\\.\\s*getRuntime\\s*\\(\\s*\\)\\s*\\.\\s*exec"), Set.of(),
            Pattern.compile("new\\s+CommandLine\\s*\\("), Set.of("CommandLine.java", "Requirement.java"),
            // A health check's command comes from the cluster file: the operator's, nobody's package.
            Pattern.compile("CommandLine\\s*\\.\\s*configured\\s*\\("), Set.of("NetworkProber.java"),
            Pattern.compile("new\\s+Requirement\\s*\\.\\s*Program\\s*\\("), Set.of("HostRequirements.java"));

    static List<Preflight.Need> everything() {
        List<Preflight.Need> out = new ArrayList<>();
        HostRequirements.PROGRAMS.forEach(p -> out.add(new Preflight.Need("registry", p)));
        ClusterSpec seed = ClusterConfig.seed();
        for (RoutingSpec.Daemon d : RoutingSpec.Daemon.values()) {
            RoutingSpec r = seed.routing();
            ClusterSpec withDaemon = new ClusterSpec(seed.name(), seed.prefix(), seed.layout(), seed.anycastPrefix(),
                    seed.services(), seed.ipv4(), new RoutingSpec(d, r.hello(), r.dead(), r.bfdInterval(), r.bfdMultiplier()),
                    seed.boot(), seed.controlPlane());
            out.addAll(Preflight.forNode(withDaemon, HostRequirements.IPXE_DIRECTORY));
        }
        out.addAll(Preflight.lab());
        return out;
    }

    @Test
    void everyPackageTheLabNeedsIsInTheRunPackages() {
        List<String> run = RepositoryFiles.packages("KUBERMESH_RUN_PACKAGES");
        Set<String> needed = new LinkedHashSet<>();
        for (Preflight.Need n : everything()) {
            n.requirement().providedBy().ifPresent(needed::add);
        }
        assertThat(needed).as("the packages the code declares").contains("frr", "bird2", "etcd-server", "ipxe",
                "util-linux", "iputils-ping");
        assertThat(run).as("KUBERMESH_RUN_PACKAGES in scripts/setup.sh").containsAll(needed);
    }

    @Test
    void everyPackageTheImageBuildRunsIsInTheRunPackages() {
        // `./kubermesh image build` is a main job: what it runs on the host is installed with the rest.
        List<String> run = RepositoryFiles.packages("KUBERMESH_RUN_PACKAGES");
        List<String> needed = HostRequirements.IMAGE_BUILD_PROGRAMS.stream().map(Requirement.Program::debianPackage)
                .filter(p -> !p.equals("dpkg")) // essential: on every Debian host
                .distinct().toList();
        assertThat(needed).as("the image build's packages").contains("mmdebstrap", "zstd", "fdisk", "dosfstools",
                "mtools", "e2fsprogs", "kmod");
        assertThat(run).as("KUBERMESH_RUN_PACKAGES in scripts/setup.sh").containsAll(needed);
    }

    @Test
    void theIpxeBuildsPackagesAreInstalledWhenACommandNamesAnIpxeSource() {
        // `./kubermesh image build --ipxe-source DIR` installs KUBERMESH_IPXE_BUILD_PACKAGES first.
        Set<String> needed = new LinkedHashSet<>();
        HostRequirements.IPXE_BUILD_PROGRAMS.forEach(p -> needed.add(p.debianPackage()));
        needed.add(HostRequirements.LZMA_HEADER.debianPackage());
        assertThat(needed).as("the iPXE build's packages").contains("make", "gcc", "liblzma-dev");
        assertThat(RepositoryFiles.packages("KUBERMESH_IPXE_BUILD_PACKAGES"))
                .as("KUBERMESH_IPXE_BUILD_PACKAGES in scripts/setup.sh").containsExactlyInAnyOrderElementsOf(needed);
    }

    @Test
    void theSeedNeedsTheBootLoadersEtcdAndItsDaemon() {
        List<Requirement> seed = Preflight.forNode(ClusterConfig.seed(), HostRequirements.IPXE_DIRECTORY).stream()
                .map(Preflight.Need::requirement).toList();
        assertThat(seed).contains(HostRequirements.ETCD, HostRequirements.ZEBRA, HostRequirements.OSPF6D,
                HostRequirements.ROOT, HostRequirements.STUB_LINK,
                new Requirement.File(Path.of("/usr/lib/ipxe/snponly.efi"), "ipxe", "the boot loader the boot services hand out"),
                new Requirement.File(Path.of("/usr/lib/ipxe/undionly.kpxe"), "ipxe", "the boot loader the boot services hand out"));
        ClusterSpec noEtcd = ClusterConfig.parse("cluster: { controlPlane: { etcdMembers: 0 } }", "test");
        assertThat(Preflight.forNode(noEtcd, HostRequirements.IPXE_DIRECTORY)).extracting(Preflight.Need::requirement)
                .doesNotContain(HostRequirements.ETCD);
    }

    @Test
    void noMainSourceStartsAProcessAroundTheRegistry() throws IOException {
        List<Path> sources = RepositoryFiles.mainSources();
        assertThat(sources).as("the scan finds the sources").hasSizeGreaterThan(100);
        List<String> bypasses = new ArrayList<>();
        int launches = 0;
        for (Path f : sources) {
            String text = Files.readString(f);
            String file = f.getFileName().toString();
            launches += text.split("\\.processBuilder\\(\\)", -1).length - 1;
            for (Map.Entry<Pattern, Set<String>> e : ALLOWED.entrySet()) {
                // picocli has a CommandLine of its own; its users do not start processes with it.
                boolean picocli = text.contains("import picocli.CommandLine;") && e.getKey().pattern().contains("CommandLine");
                if (!picocli && e.getKey().matcher(text).find() && !e.getValue().contains(file)) {
                    bypasses.add(RepositoryFiles.root().relativize(f) + ": " + e.getKey().pattern());
                }
            }
        }
        assertThat(bypasses).as("process starts that bypass HostRequirements").isEmpty();
        assertThat(launches).as("launches through the registry (Supervisor, Command, EtcdMember, prober, lab)")
                .isGreaterThanOrEqualTo(5);
    }

    @Test
    void everyProgramOfTheLibvirtSubstrateIsInTheLibvirtPackages() {
        List<String> libvirt = RepositoryFiles.packages("KUBERMESH_LIBVIRT_PACKAGES");
        assertThat(HostRequirements.LIBVIRT_PROGRAMS).allSatisfy(p -> assertThat(libvirt)
                .as(p.name() + " (" + p.purpose() + ")").contains(p.providedBy().orElseThrow()));
    }
}
