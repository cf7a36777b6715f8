package io.kubermesh.lab;

import io.kubermesh.agent.NodeStatus;
import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.NotApplicableException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.spi.Substrate;
import java.util.List;

/**
 * Watches a powered-on machine until it has joined: first its agent answers with state
 * {@code running}, then it and the gateway reach each other's host address (the IGP has
 * converged both ways; each agent sends the echo from its own node). A machine that does not get
 * there fails with the end of its console.
 */
final class JoinWatch {
    private static final int CONSOLE_LINES = 25;

    private final Substrate substrate;
    private final MachineAgents agents;

    JoinWatch(Substrate substrate, MachineAgents agents) {
        this.substrate = substrate;
        this.agents = agents;
    }

    /** The agent's status once it reports {@code running}. */
    NodeStatus awaitAgent(String name, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        KubermeshException last = null;
        while (System.nanoTime() < deadline) {
            try {
                NodeStatus s = agents.ask(name, AgentClient::status);
                if ("running".equals(s.state())) {
                    return s;
                }
            } catch (NotApplicableException e) {
                throw e;
            } catch (KubermeshException e) {
                last = e;
            }
            Waiting.sleep(100);
        }
        throw new SubstrateException(name + ": its agent did not answer within " + seconds + " s ("
                + (last == null ? "not running" : last.getMessage()) + "); its console ends with:\n"
                + consoleTail(name, CONSOLE_LINES));
    }

    /** Returns once {@code name} (at {@code host}) and the gateway (at {@code gatewayHost}) reach each other. */
    void awaitReachable(String name, String host, String gateway, String gatewayHost, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (reaches(name, gatewayHost) && reaches(gateway, host)) {
                return;
            }
            Waiting.sleep(100);
        }
        throw new SubstrateException(name + ": no route between it and " + gateway + " after " + seconds
                + " s; its console ends with:\n" + consoleTail(name, CONSOLE_LINES));
    }

    private boolean reaches(String from, String address) {
        try {
            List<ControlAnswers.Probe> p = agents.ask(from, c -> c.probe(List.of(address))).probes();
            return p.size() == 1 && p.get(0).reachable();
        } catch (NotApplicableException e) {
            throw e;
        } catch (KubermeshException e) {
            return false;
        }
    }

    /** The last lines of a machine's console, for error messages (the lab may be torn down next). */
    String consoleTail(String machine, int lines) {
        try {
            return String.join("\n", substrate.consoleTail(machine, lines));
        } catch (KubermeshException e) {
            return "(no console: " + e.getMessage() + ")";
        }
    }
}
