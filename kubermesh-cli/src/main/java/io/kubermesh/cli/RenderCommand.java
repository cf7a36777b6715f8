package io.kubermesh.cli;

import picocli.CommandLine.Command;

/** {@code kubermesh render ...}: what kubermesh puts somewhere else, written out for review or {@code kubectl apply}. */
@Command(name = "render", mixinStandardHelpOptions = true, description = "Writes manifests without applying them.",
        subcommands = RenderKubernetesCommand.class)
final class RenderCommand extends CommandGroup {
}
