package io.kubermesh.image.build;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kubermesh.image.internal.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * {@code manifest.json}: what the image is made of and what it produced. Stable fields (docs/image.md):
 * {@code format}, {@code debian} (suite, sources, sourceDateEpoch), {@code kernel}, {@code packages}
 * ([{name, version, architecture}], sorted), {@code java} (release of the JDK linked, modules),
 * {@code agent} ([{name, sha256}] of the jars), {@code loaders} ({@code kubermesh} or {@code debian}),
 * {@code layers} ([{name, key, cached, size, sha256}]), {@code usb} (the partition layout),
 * {@code cluster} ({@code sha256} of the cluster file on usb.img, which a substrate deploying the image compares
 * with its lab's) and
 * {@code artefacts} ([{path, size, sha256}] of every file written, relative to the output directory).
 * No time of building: the same inputs give the same manifest, except usb.img's hash (its secrets
 * are new every build).
 */
final class Manifest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Manifest() {
    }

    static void write(Path file, ImageRequest r, Path root, Path java, Path loaders, Path agent, Path out, DiskLayout usb,
                      Map<String, Boolean> cached) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("format", 1);
        ObjectNode debian = m.putObject("debian");
        debian.put("suite", r.recipe().suite());
        r.recipe().sources().forEach(debian.putArray("sources")::add);
        debian.put("sourceDateEpoch", r.recipe().sourceDateEpoch());
        m.put("kernel", Files.readString(root.resolve("kernel-version")).strip());
        ArrayNode packages = m.putArray("packages");
        for (String line : Files.readAllLines(root.resolve("packages.tsv"))) {
            String[] f = line.split("\t");
            if (f.length == 3) {
                packages.addObject().put("name", f[0]).put("version", f[1]).put("architecture", f[2]);
            }
        }
        ObjectNode j = m.putObject("java");
        j.put("jdkRelease", Files.readString(java.resolve("java-release")).strip());
        JavaRuntime.MODULES.forEach(j.putArray("modules")::add);
        ArrayNode jars = m.putArray("agent");
        for (String line : r.agent().describe().lines().skip(1).toList()) {
            String[] f = line.split(" ");
            jars.addObject().put("name", f[0]).put("sha256", f[1]);
        }
        m.put("loaders", Files.readString(loaders.resolve("origin")).strip());
        ArrayNode layers = m.putArray("layers");
        for (Object[] l : List.of(new Object[] {"root", root.resolve("root.cpio.zst")},
                new Object[] {"java", java.resolve("java.cpio.zst")}, new Object[] {"loaders", loaders.resolve("loaders.cpio.zst")},
                new Object[] {"agent", agent.resolve("agent.cpio.zst")})) {
            Path p = (Path) l[1];
            String dir = p.getParent().getFileName().toString();
            layers.addObject().put("name", (String) l[0]).put("key", dir.substring(dir.lastIndexOf('-') + 1))
                    .put("size", Files.size(p)).put("sha256", Sha256.of(p));
        }
        ObjectNode u = m.putObject("usb");
        u.put("espBytes", usb.espBytes()).put("dataBytes", usb.dataBytes()).put("totalBytes", usb.totalBytes())
                .put("espLabel", DiskLayout.ESP_LABEL).put("dataLabel", DiskLayout.DATA_LABEL);
        m.putObject("cluster").put("sha256", Sha256.of(r.clusterYaml()));
        ArrayNode artefacts = m.putArray("artefacts");
        try (Stream<Path> s = Files.walk(out)) {
            for (Path p : s.filter(Files::isRegularFile).filter(p -> out.relativize(p).toString().equals("usb.img")
                    || out.relativize(p).startsWith("netboot"))
                    .sorted((a, b) -> out.relativize(a).toString().compareTo(out.relativize(b).toString())).toList()) {
                artefacts.addObject().put("path", out.relativize(p).toString()).put("size", Files.size(p))
                        .put("sha256", Sha256.of(p));
            }
        }
        Files.writeString(file, m.toPrettyString() + "\n");
    }
}
