package io.kubermesh.cli;

import picocli.CommandLine.Command;

/** {@code kubermesh boot ...}: network boot without the rest of the node. */
@Command(name = "boot", mixinStandardHelpOptions = true, description = "Network boot services.",
        subcommands = BootServeCommand.class)
final class BootCommand extends CommandGroup {
}
