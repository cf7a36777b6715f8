package io.kubermesh.cli;

import io.kubermesh.agent.AgentOptions;
import io.kubermesh.agent.AgentProcess;
import io.kubermesh.agent.AgentSettings;
import io.kubermesh.agent.NodeSetupResult;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kubermesh agent --config FILE}: the node runtime, until SIGTERM or SIGINT; composed by {@link AgentProcess}. */
@Command(name = "agent", mixinStandardHelpOptions = true,
        description = "Runs the node agent: addresses, ports, boot services, routing, anycast, etcd, control socket."
                + " Stops on SIGTERM.")
final class AgentCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", required = true, description = "The cluster YAML file.")
    Path config;

    @Option(names = "--state", paramLabel = "DIR", defaultValue = "/var/lib/kubermesh",
            description = "The node's state directory (default: ${DEFAULT-VALUE}).")
    Path state;

    @Option(names = "--name", paramLabel = "NAME", description = "The node's name in status (default: the host name).")
    String name;

    @Option(names = "--stub", paramLabel = "IFACE", defaultValue = AgentSettings.DEFAULT_STUB,
            description = "The stub interface for the host /128 (default: ${DEFAULT-VALUE}).")
    String stub;

    @Option(names = "--etcd-bootstrap", description = "With no etcd data, start a new one-member etcd cluster that the"
            + " other machines join (the first machine only: the gateway, the USB-booted seed).")
    boolean etcdBootstrap;

    @Option(names = "--setup-result", paramLabel = "FILE", defaultValue = "${env:" + NodeSetupResult.ENV + "}",
            description = "The node OS setup's result file, shown as the component 'setup' in status (a missing"
                    + " or failed one is a failed component). The node OS sets it (" + NodeSetupResult.ENV + "=/run/kubermesh/"
                    + "setup.json); without it there is no such component.")
    Path setupResult;

    @Override
    public Integer call() throws InterruptedException {
        return AgentProcess.run(new AgentOptions(config, state, name, stub, etcdBootstrap, AgentOptions.DEFAULT_TFTP_ROOT,
                setupResult), System.err);
    }
}
