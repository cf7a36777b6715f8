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
 * @param options provider-specific settings ({@code libvirt.uri}, …), free-form
 */
public record SubstrateConfig(ClusterSpec cluster, Path stateDirectory, Map<String, String> options) {
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
