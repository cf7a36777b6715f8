package io.kubermesh.provider.netns.lab;

import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.provider.netns.NetnsSubstrate;
import io.kubermesh.routing.netlink.NetworkNamespaces;
import io.kubermesh.spi.MachineStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Powers a lab machine on by starting {@code kubermesh agent} inside its namespace, in a session
 * of its own so it outlives the command that started it, its output appended to the console.
 */
final class AgentLauncher implements NetnsSubstrate.PowerOnAction {
    private final Path clusterFile;
    private final Function<String, Path> stateDirectory;
    private final List<String> agentCommand;

    AgentLauncher(Path clusterFile, Function<String, Path> stateDirectory, List<String> agentCommand) {
        this.clusterFile = clusterFile;
        this.stateDirectory = stateDirectory;
        this.agentCommand = List.copyOf(agentCommand);
    }

    @Override
    public void start(MachineStatus machine, String netns, Path console) {
        Path state = stateDirectory.apply(machine.name());
        List<String> cmd = new ArrayList<>(agentCommand.subList(1, agentCommand.size()));
        // A blank machine runs its firmware first, which boots over DHCPv6 from its neighbour and
        // then hands over to the agent; the gateway is deployed directly.
        cmd.add(machine.netboot() ? "firmware" : "agent");
        cmd.addAll(List.of("--config", clusterFile.toString(), "--state", state.toString(), "--name", machine.name()));
        if (!machine.netboot()) {
            // The deployed machine starts the etcd cluster; the netbooted ones join it.
            cmd.add("--etcd-bootstrap");
        }
        try {
            Files.createDirectories(state);
            // setsid nsenter --net=NS -- JAVA ...: the agent's JVM is the running one's java.
            HostRequirements.SETSID.wrapping(List.of(), HostRequirements.NSENTER.wrapping(
                            List.of("--net=" + NetworkNamespaces.path(netns), "--"),
                            HostRequirements.JAVA.at(agentCommand.get(0), cmd))).processBuilder().redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(console.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        } catch (IOException e) {
            throw new SubstrateException("cannot start the agent of " + machine.name() + ": " + e.getMessage(), e);
        }
    }
}
