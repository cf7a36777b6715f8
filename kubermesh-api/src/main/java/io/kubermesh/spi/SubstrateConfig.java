package io.kubermesh.spi;

import io.kubermesh.api.ClusterSpec;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * What a substrate is created with.
 *
 * @param cluster the cluster the machines will form
 * @param stateDirectory where the substrate keeps its state (created if missing)
 * @param options provider-specific settings ({@code libvirt.uri}, …), free-form; one key is common to
 *     all: {@value #NODE_IMAGE}
 */
public record SubstrateConfig(ClusterSpec cluster, Path stateDirectory, Map<String, String> options) {
    /**
     * The option naming the node OS image a substrate's deployed machines boot: the output directory
     * of {@code kubermesh image build} ({@code usb.img}, {@code netboot/}, {@code manifest.json}),
     * built with the lab's cluster file. The CLI builds it and passes it when the provider
     * {@linkplain SubstrateProvider#needsNodeImage needs one}.
     */
    public static final String NODE_IMAGE = "image";

    public SubstrateConfig {
        if (cluster == null || stateDirectory == null) {
            throw new IllegalArgumentException("a substrate needs a cluster and a state directory");
        }
        options = Map.copyOf(options);
    }

    public Optional<String> option(String key) {
        return Optional.ofNullable(options.get(key));
    }
}
