package io.kubermesh.cli;

import io.kubermesh.lab.SubstrateProviders;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/** {@code --plugins DIR} (or {@code KUBERMESH_PLUGINS}): where substrate providers beyond the built-in ones are. */
final class PluginOptions {
    @Option(names = "--plugins", paramLabel = "DIR", defaultValue = "${env:KUBERMESH_PLUGINS}",
            description = "A directory of plug-in jars with more substrate providers (default: $KUBERMESH_PLUGINS).")
    Path plugins;

    SubstrateProviders providers() {
        return SubstrateProviders.of(Optional.ofNullable(plugins).filter(p -> !p.toString().isEmpty()));
    }
}
