package io.kubermesh.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The repository this test runs in: its setup script's package lists and its main Java sources. */
final class RepositoryFiles {
    private static final Pattern ARRAY = Pattern.compile("(?s)\\n(KUBERMESH_[A-Z_]+)=\\(([^)]*)\\)");

    private RepositoryFiles() {
    }

    static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isRegularFile(p.resolve("scripts/setup.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("no scripts/setup.sh above " + Path.of("").toAbsolutePath());
        }
        return p;
    }

    /** A package array of scripts/setup.sh ({@code KUBERMESH_RUN_PACKAGES}). */
    static List<String> packages(String array) {
        try {
            Matcher m = ARRAY.matcher("\n" + Files.readString(root().resolve("scripts/setup.sh")));
            while (m.find()) {
                if (m.group(1).equals(array)) {
                    return Arrays.stream(m.group(2).trim().split("\\s+")).filter(w -> !w.isEmpty()).toList();
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException(array + " is not in scripts/setup.sh");
    }

    /** Every main Java source of the modules the main job runs (not benchmarks, testkit or examples). */
    static List<Path> mainSources() {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> modules = Files.list(root())) {
            for (Path m : modules.filter(d -> d.getFileName().toString().startsWith("kubermesh-")).sorted().toList()) {
                String name = m.getFileName().toString();
                Path src = m.resolve("src/main/java");
                if (name.equals("kubermesh-benchmarks") || name.equals("kubermesh-testkit") || !Files.isDirectory(src)) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(src)) {
                    files.filter(f -> f.toString().endsWith(".java")).forEach(out::add);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
