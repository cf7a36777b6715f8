package io.kubermesh.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code kubermesh render ...}: what kubermesh puts somewhere else, written out for review or {@code kubectl apply}. */
@Command(name = "render", mixinStandardHelpOptions = true, description = "Writes manifests without applying them.",
        subcommands = RenderKubernetesCommand.class)
final class RenderCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
