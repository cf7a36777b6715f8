package io.kubermesh.provider.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a lab test checks is gone after {@code down}: processes started for its machines. */
final class NamespaceLeftovers {
    private NamespaceLeftovers() {
    }

    /** Whether any process's command line mentions {@code text} (the lab's directory: every machine JVM names it). */
    static boolean processesMentioning(String text) {
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (Files.readString(p.resolve("cmdline")).replace('\0', ' ').contains(text)) {
                        return true;
                    }
                } catch (IOException e) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return false;
    }
}
