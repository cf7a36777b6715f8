package io.kubermesh.cli.image;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.controlplane.kubernetes.ClusterYaml;
import io.kubermesh.image.build.AgentPayload;
import io.kubermesh.image.build.ImageBuilder;
import io.kubermesh.image.build.ImageRequest;
import io.kubermesh.image.build.ImageResult;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node OS image every VM IT boots, built once per test JVM from the layer cache
 * ({@value ImageRequest#DEFAULT_CACHE}, kept between runs, so only the agent layer is redone
 * when the code changed) with the seed profile and this module's packaged CLI
 * ({@code target/kubermesh-cli.jar}: failsafe runs after {@code package}).
 */
final class NodeImage {
    private static ImageResult built;
    private static double seconds;

    private NodeImage() {
    }

    static synchronized ImageResult get() throws Exception {
        if (built == null) {
            Path jar = Path.of("target/kubermesh-cli.jar").toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new AssertionError(jar + " is missing: the node OS ITs run after `mvn package` of kubermesh-cli");
            }
            long t = System.nanoTime();
            built = ImageBuilder.build(new ImageRequest(ClusterYaml.write(ClusterConfig.seed()), "profile seed",
                    Path.of("target/it-image").toAbsolutePath(), Path.of(ImageRequest.DEFAULT_CACHE), AgentPayload.of(jar), null,
                    ipxeSource(), line -> System.out.println("image build: " + line)));
            seconds = (System.nanoTime() - t) / 1e9;
            System.out.printf("node image built in %.1f s (cached layers: %s)%n", seconds, built.cached());
        }
        return built;
    }

    /**
     * {@code -Dkubermesh.ipxe.source=DIR} builds the image with kubermesh's IPv6-first iPXE from that
     * source tree (kubermesh-benchmarks' ipxe-bench.sh); without it, Debian's loaders.
     */
    private static Path ipxeSource() {
        String dir = System.getProperty("kubermesh.ipxe.source", "");
        return dir.isBlank() ? null : Path.of(dir);
    }
}
