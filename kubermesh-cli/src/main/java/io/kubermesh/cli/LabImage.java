package io.kubermesh.cli;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.image.build.AgentPayload;
import io.kubermesh.image.build.ImageBuilder;
import io.kubermesh.image.build.ImageRequest;
import io.kubermesh.image.build.ImageResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * The node OS image a lab's deployed machine boots on substrates that run the node OS (libvirt):
 * built with the lab's cluster file and this CLI as the agent into {@value #OUTPUT}, from the
 * layer cache ({@value ImageRequest#DEFAULT_CACHE}; minutes the first time, seconds after), and
 * handed to the substrate as option {@code image}.
 */
final class LabImage {
    static final String OUTPUT = "/var/cache/kubermesh/lab-image";

    private LabImage() {
    }

    static Path build(String clusterYaml, String source, Consumer<String> progress) {
        Path jar;
        try {
            jar = ImageCommand.Build.runningJar();
        } catch (KubermeshException e) {
            throw e;
        } catch (Exception e) {
            throw new EnvironmentException("cannot find the kubermesh jar to pack into the node image: " + e.getMessage(),
                    "run kubermesh from its jar (./kubermesh does)");
        }
        progress.accept("building the node OS image for this lab in " + OUTPUT + " (from the layer cache in "
                + ImageRequest.DEFAULT_CACHE + "; the first build takes minutes)");
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(Path.of(OUTPUT));
            ImageResult r = ImageBuilder.build(new ImageRequest(clusterYaml, source, Path.of(OUTPUT),
                    Path.of(ImageRequest.DEFAULT_CACHE), AgentPayload.of(jar), null, null, line -> progress.accept(line.startsWith("image: ") ? line : "image: " + line)));
            progress.accept(String.format("node OS image built in %.1f s: %s", (System.nanoTime() - t0) / 1e9, r.usbImage()));
            return Path.of(OUTPUT);
        } catch (KubermeshException e) {
            throw e;
        } catch (Exception e) {
            throw new KubermeshException("building the node OS image failed: " + e.getMessage(), e);
        }
    }
}
