package io.kubermesh.image.build;

import java.nio.file.Path;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What {@code kubermesh image build} is asked for.
 *
 * @param clusterYaml the cluster file's text, which goes on the USB image (the seed profile written out when none is given)
 * @param clusterSource where it came from, for error messages ({@code cluster.yaml}, {@code profile seed})
 * @param output the output directory: {@code usb.img}, {@code netboot/}, {@code manifest.json}
 * @param cache the layer cache, outside any clone ({@value #DEFAULT_CACHE} by default)
 * @param agent the kubermesh program packed into the image
 * @param recipe the root filesystem's recipe
 * @param ipxeSource an iPXE source tree to build kubermesh's IPv6-first loaders from ({@link IpxeBuild}); null serves Debian's
 * @param log progress lines
 */
public record ImageRequest(String clusterYaml, String clusterSource, Path output, Path cache, AgentPayload agent,
                           RootRecipe recipe, Path ipxeSource, Consumer<String> log) {
    public static final String DEFAULT_CACHE = "/var/cache/kubermesh/image";

    public ImageRequest {
        Objects.requireNonNull(clusterYaml, "clusterYaml");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(agent, "agent");
        recipe = recipe == null ? RootRecipe.bookworm() : recipe;
        log = log == null ? line -> { } : log;
    }

    /** The iPXE build this request asks for: {@link IpxeBuild#none()} without a source tree. */
    IpxeBuild ipxe() {
        return ipxeSource == null ? IpxeBuild.none() : IpxeBuild.from(ipxeSource);
    }
}
