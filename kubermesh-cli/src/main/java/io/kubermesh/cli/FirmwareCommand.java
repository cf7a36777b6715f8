package io.kubermesh.cli;

import io.kubermesh.provider.netns.firmware.Firmware;
import io.kubermesh.routing.netlink.Rtnetlink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubermesh firmware}: the lab's stand-in for a blank machine's firmware (hidden). Boots
 * over DHCPv6 from the neighbour, then runs the agent as the installed system would.
 */
@Command(name = "firmware", hidden = true, description = "Network-boots a blank lab machine, then runs its agent.")
final class FirmwareCommand implements Callable<Integer> {
    @Option(names = "--config", required = true)
    Path config;

    @Option(names = "--state", required = true)
    Path state;

    @Option(names = "--name", required = true)
    String name;

    @Option(names = "--timeout", defaultValue = "120")
    int timeoutSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        // When the process started (the JVM's own start-up is the time from there to this line).
        Firmware.step(System.out, "started (process started %s)%n", ProcessHandle.current().info().startInstant()
                .map(Object::toString).orElse("?"));
        AgentPreload.start();
        Firmware.Boot boot;
        try (Rtnetlink netlink = Rtnetlink.open()) {
            boot = Firmware.boot(netlink, System.out, Duration.ofSeconds(timeoutSeconds));
        }
        // The installed system runs with the cluster file its Ignition config carried.
        java.nio.file.Files.createDirectories(state);
        Path installed = state.resolve("cluster.yaml");
        if (boot.clusterYaml() != null) {
            java.nio.file.Files.writeString(installed, boot.clusterYaml());
            // What Ignition writes to /var/lib/kubermesh/pki, into this machine's state directory, 0600.
            boot.credentials().forEach((file, text) ->
                    io.kubermesh.controlplane.pki.NodeCredentials.writeSecret(state.resolve("pki").resolve(file), text));
        } else if (!java.nio.file.Files.exists(installed)) {
            throw new io.kubermesh.api.SubstrateException("the boot server sent " + name
                    + " to its disk, but nothing is installed there (" + installed + " is missing)");
        }
        Firmware.step(System.out, "handing over to the operating system (kubermesh agent --config %s)%n", installed);
        AgentCommand agent = new AgentCommand();
        agent.config = installed;
        agent.state = state;
        agent.name = name;
        agent.stub = io.kubermesh.agent.AgentSettings.DEFAULT_STUB;
        return agent.call();
    }
}
