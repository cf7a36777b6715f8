package io.kubermesh.provider.netns.lab;

import io.kubermesh.agent.NodeStatus;
import io.kubermesh.agent.StatusEndpoint;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.provider.netns.NetnsSubstrate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * Watches a powered-on machine until it has joined: first its agent answers on its status socket
 * with state {@code running}, then it and the gateway reach each other's host address (the IGP
 * has converged both ways). A machine that does not get there fails with the end of its console.
 */
final class JoinWatch {
    private static final int CONSOLE_LINES = 25;

    private final NetnsSubstrate substrate;
    private final Function<String, Path> stateDirectory;

    JoinWatch(NetnsSubstrate substrate, Function<String, Path> stateDirectory) {
        this.substrate = substrate;
        this.stateDirectory = stateDirectory;
    }

    /** The agent's status once it reports {@code running}. */
    NodeStatus awaitAgent(String name, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        KubermeshException last = null;
        while (System.nanoTime() < deadline) {
            try {
                NodeStatus s = StatusEndpoint.read(stateDirectory.apply(name));
                if ("running".equals(s.state())) {
                    return s;
                }
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
            if (ReachabilityProbe.ping(substrate.namespace(name), gatewayHost)
                    && ReachabilityProbe.ping(substrate.namespace(gateway), host)) {
                return;
            }
            Waiting.sleep(100);
        }
        throw new SubstrateException(name + ": no route between it and " + gateway + " after " + seconds
                + " s; its console ends with:\n" + consoleTail(name, CONSOLE_LINES));
    }

    /** The last lines of a machine's console, for error messages (the lab may be torn down next). */
    String consoleTail(String machine, int lines) {
        try {
            List<String> all = Files.readAllLines(substrate.consoleLog(machine));
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no console: " + e.getMessage() + ")";
        }
    }
}
