package io.kubermesh.lab;

import io.kubermesh.agent.NodeStatus;
import io.kubermesh.agent.control.AgentClient;
import io.kubermesh.agent.control.ControlAnswers;
import io.kubermesh.api.KubermeshException;
import io.kubermesh.api.NotApplicableException;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.spi.Substrate;
import java.util.List;
import java.util.Optional;

/**
 * Watches a powered-on machine until it has joined: first its agent answers with state
 * {@code running}, then it and the gateway reach each other's host address (the IGP has
 * converged both ways; each agent sends the echo from its own node). A machine that does not get
 * there fails with the end of its console. One whose console already says its agent will not be
 * started again fails at once, with that line, instead of waiting out the deadline.
 */
final class JoinWatch {
    private static final int CONSOLE_LINES = 25;
    /** How often the console is read for a given-up line while the agent does not answer. */
    private static final long CONSOLE_CHECK_NANOS = 1_000_000_000L;
    /**
     * Console lines after which no agent will answer until the machine is powered again: the
     * netns supervisor's start limit and firmware that ended before handing over, and systemd's
     * start limit on a real machine.
     */
    private static final List<String> GAVE_UP = List.of("left stopped", "nothing to restart", "start-limit-hit");

    private final Substrate substrate;
    private final MachineAgents agents;

    JoinWatch(Substrate substrate, MachineAgents agents) {
        this.substrate = substrate;
        this.agents = agents;
    }

    /**
     * The end of a machine's console before it is powered on, so that {@link #awaitAgent} does not
     * read an earlier boot's lines (the console is appended to across power cycles) as this one's.
     */
    List<String> consoleBefore(String name) {
        try {
            return substrate.consoleTail(name, CONSOLE_LINES);
        } catch (KubermeshException e) {
            return List.of();
        }
    }

    /** The agent's status once it reports {@code running}; {@code consoleBefore} from {@link #consoleBefore}. */
    NodeStatus awaitAgent(String name, int seconds, List<String> consoleBefore) {
        long start = System.nanoTime();
        long deadline = start + seconds * 1_000_000_000L;
        KubermeshException last = null;
        long nextConsoleCheck = System.nanoTime() + CONSOLE_CHECK_NANOS;
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
            if (System.nanoTime() >= nextConsoleCheck) {
                nextConsoleCheck = System.nanoTime() + CONSOLE_CHECK_NANOS;
                failIfGaveUp(name, consoleBefore);
            }
            Waiting.sleep(pollMillis(System.nanoTime() - start));
        }
        throw new SubstrateException(name + ": its agent did not answer within " + seconds + " s ("
                + (last == null ? "not running" : last.getMessage()) + "); its console ends with:\n"
                + consoleTail(name, CONSOLE_LINES));
    }

    private void failIfGaveUp(String name, List<String> consoleBefore) {
        List<String> tail;
        try {
            tail = substrate.consoleTail(name, CONSOLE_LINES);
        } catch (KubermeshException e) {
            return; // no console to read: the deadline decides
        }
        gaveUp(appended(consoleBefore, tail)).ifPresent(line -> {
            throw new SubstrateException(name + ": its agent will not start (" + line.strip()
                    + "); fix the cause shown on its console, then power it again (kubermesh lab revive " + name
                    + "); its console ends with:\n" + String.join("\n", tail));
        });
    }

    /**
     * The lines of {@code now} that came after {@code before}, both ends of the same growing
     * console: {@code now} is a suffix of {@code before} followed by new lines, or (when more lines
     * came than a tail holds) only new lines.
     */
    static List<String> appended(List<String> before, List<String> now) {
        for (int j = 0; j < before.size(); j++) {
            List<String> rest = before.subList(j, before.size());
            if (rest.size() <= now.size() && now.subList(0, rest.size()).equals(rest)) {
                return now.subList(rest.size(), now.size());
            }
        }
        return now;
    }

    /**
     * How long to wait between two asks of a machine's agent, {@code waited} nanoseconds after the
     * wait began: 100 ms for the first 20 s (a machine whose agent runs on this host joins in
     * seconds, and its join time is measured to that), then 500 ms (a machine that boots takes
     * minutes, and each ask of one reached through another node's agent costs that agent work:
     * a connection attempt while the machine boots).
     */
    static long pollMillis(long waited) {
        return waited < 20_000_000_000L ? 100 : 500;
    }

    /** The console line, if any, saying the machine's agent will not be started again. */
    static Optional<String> gaveUp(List<String> consoleTail) {
        for (int i = consoleTail.size() - 1; i >= 0; i--) {
            String line = consoleTail.get(i);
            if (GAVE_UP.stream().anyMatch(line::contains)) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
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
