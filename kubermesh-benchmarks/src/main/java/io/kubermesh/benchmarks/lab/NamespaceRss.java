package io.kubermesh.benchmarks.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of the processes in a network namespace: the JVMs (the agent) and the rest. */
final class NamespaceRss {
    private NamespaceRss() {
    }

    /** {@code [java KiB, other KiB]} of the processes whose network namespace is {@code netns}. */
    static long[] of(String netns) throws IOException {
        String wanted = "net:[" + Files.getAttribute(Path.of("/run/netns", netns), "unix:ino") + "]";
        long[] rss = new long[2];
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                if (!p.getFileName().toString().chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    if (!Files.readSymbolicLink(p.resolve("ns/net")).toString().equals(wanted)) {
                        continue;
                    }
                    String status = Files.readString(p.resolve("status"));
                    String name = status.lines().filter(l -> l.startsWith("Name:")).findFirst().orElse("").substring(5).trim();
                    long kib = status.lines().filter(l -> l.startsWith("VmRSS:")).findFirst()
                            .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).orElse(0L);
                    rss[name.equals("java") ? 0 : 1] += kib;
                } catch (IOException | RuntimeException e) {
                    // ended meanwhile, or a kernel thread
                }
            }
        }
        return rss;
    }
}
