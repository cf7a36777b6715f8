package io.kubermesh.lab;

import io.kubermesh.agent.NodeStatus;
import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.spi.Substrate;
import java.util.Optional;
import java.util.function.Function;

/**
 * The lab's way to a running machine: its agent, over the channel the substrate opens
 * ({@link Substrate#agent}), one connection per question.
 */
final class MachineAgents {
    private final Substrate substrate;

    MachineAgents(Substrate substrate) {
        this.substrate = substrate;
    }

    /** Asks the agent of {@code machine}; fails when it does not answer. */
    <T> T ask(String machine, Function<AgentClient, T> question) {
        try (AgentClient client = new AgentClient(substrate.agent(machine))) {
            return question.apply(client);
        }
    }

    /** The agent's status, or empty when it does not answer (not running yet, powered off, crashed). */
    Optional<NodeStatus> status(String machine) {
        try {
            return Optional.of(ask(machine, AgentClient::status));
        } catch (KubermeshException e) {
            return Optional.empty();
        }
    }
}
