package io.kubermesh.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.Requirement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The registry's package names are the truth: on this machine (with the run packages installed)
 * every program and file the lab uses is found where the code looks for it, and {@code dpkg -S}
 * says it belongs to the package the code names (or to one that package depends on, as the JDK's
 * {@code java} belongs to its JRE).
 */
class PackageSetIT {
    @Test
    void dpkgOwnsEveryProgramAndFileByTheDeclaredPackage() throws Exception {
        List<String> run = RepositoryFiles.packages("KUBERMESH_RUN_PACKAGES");
        List<String> notInstalled = new ArrayList<>();
        for (String p : run) {
            if (!sh("dpkg-query", "-W", "-f=${Status}", p).orElse("").contains("install ok installed")) {
                notInstalled.add(p);
            }
        }
        if (!notInstalled.isEmpty()) {
            fail("PackageSetIT needs the run packages installed: apt-get install -y " + String.join(" ", notInstalled));
        }
        List<String> wrong = new ArrayList<>();
        Set<Requirement> checked = new LinkedHashSet<>();
        for (Preflight.Need n : PackageSetTest.everything()) {
            Requirement r = n.requirement();
            if (!checked.add(r) || r.providedBy().isEmpty()) {
                continue;
            }
            Optional<Path> path = where(r);
            if (path.isEmpty()) {
                wrong.add(r.name() + ": not found where the code looks");
                continue;
            }
            String declared = r.providedBy().get();
            Optional<String> owner = owner(path.get());
            if (owner.isEmpty()) {
                wrong.add(r.name() + " (" + path.get() + "): dpkg -S knows no package");
            } else if (!owner.get().equals(declared) && !dependsOn(declared, owner.get())) {
                wrong.add(r.name() + " (" + path.get() + "): dpkg -S says " + owner.get() + ", the code says " + declared);
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(checked).as("programs and files checked").hasSizeGreaterThanOrEqualTo(HostRequirements.PROGRAMS.size() + 2);
    }

    private static Optional<Path> where(Requirement r) {
        if (r instanceof Requirement.File f) {
            return Files.exists(f.path()) ? Optional.of(f.path()) : Optional.empty();
        }
        Requirement.Program p = (Requirement.Program) r;
        if (p == HostRequirements.JAVA) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        return p.onPath() ? Preflight.onPath(p.executable()) : Optional.of(Path.of(p.executable())).filter(Files::exists);
    }

    /** dpkg -S of the path, its real path, and the /usr-merged twin (/bin/ping is /usr/bin/ping). */
    private static Optional<String> owner(Path path) throws IOException {
        Set<String> candidates = new LinkedHashSet<>();
        candidates.add(path.toString());
        candidates.add(path.toRealPath().toString());
        for (String c : List.copyOf(candidates)) {
            candidates.add(c.startsWith("/usr/") ? c.substring(4) : "/usr" + c);
        }
        for (String c : candidates) {
            // dpkg -S /bin/sh lists dash's diversion of it first ("diversion by dash from: /bin/sh"), then the owner.
            Optional<String> out = sh("dpkg", "-S", c).flatMap(o -> o.lines().filter(l -> !l.startsWith("diversion by"))
                    .filter(l -> l.contains(":")).findFirst());
            if (out.isPresent()) {
                return Optional.of(out.get().substring(0, out.get().indexOf(':')).split(",")[0].trim());
            }
        }
        return Optional.empty();
    }

    private static boolean dependsOn(String pkg, String owner) {
        return sh("dpkg-query", "-W", "-f=${Depends}", pkg).map(d -> List.of(d.split("[,|]")).stream()
                .map(x -> x.trim().split("[\\s:(]")[0]).anyMatch(owner::equals)).orElse(false);
    }

    private static Optional<String> sh(String... argv) {
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(false).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
