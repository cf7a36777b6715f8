package io.kubermesh.cli;

import io.kubermesh.addressing.config.ClusterConfig;
import io.kubermesh.api.ClusterSpec;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/** {@code --config FILE | --profile NAME}; neither means {@code --profile seed}. */
final class ClusterOptions {
    @ArgGroup(exclusive = true)
    Source source;

    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "The cluster YAML file.")
        Path config;

        @Option(names = "--profile", paramLabel = "NAME", description = "A built-in profile: ${COMPLETION-CANDIDATES}.",
                completionCandidates = Profiles.class)
        String profile;
    }

    static final class Profiles implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ClusterConfig.PROFILES.iterator();
        }
    }

    /** The cluster file as written: the file's text with {@code --config}, else {@code spec} written out. */
    String yaml(ClusterSpec spec) {
        if (source != null && source.config != null) {
            try {
                return java.nio.file.Files.readString(source.config);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return io.kubermesh.controlplane.kubernetes.ClusterYaml.write(spec);
    }

    ClusterSpec load() {
        if (source != null && source.config != null) {
            return ClusterConfig.load(source.config);
        }
        return ClusterConfig.profile(source != null && source.profile != null ? source.profile : "seed");
    }
}
