package io.kubermesh.provider.baremetal.substrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.CommandLine;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.SubstrateException;
import io.kubermesh.routing.daemon.RoutingDaemonException;
import io.kubermesh.routing.daemon.internal.Command;
import java.io.IOException;
import java.time.Duration;

/**
 * Runs {@code ip} (iproute2) for what the gateway needs beyond {@link io.kubermesh.routing.netlink.Rtnetlink}:
 * taps, a link moved into a namespace and renamed in one step, and the JSON views ({@code ip -j})
 * of a link's master, lower links, IPv4 addresses and routes of every table.
 */
final class IpCommand {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** ip answers at once; a link operation that takes longer is stuck (a busy kernel lock, a hung driver). */
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    private IpCommand() {
    }

    /** Runs {@code ip ARGS}; its standard output. A non-zero exit is a {@link SubstrateException} with the command and what ip said. */
    static String run(String... args) {
        return run(HostRequirements.IP.args(args), TIMEOUT);
    }

    /**
     * Runs {@code command} through the project's runner for short client commands
     * ({@link io.kubermesh.routing.daemon.internal.Command}: both streams read while it runs, killed
     * after {@code timeout}), its failures as {@link SubstrateException}s; a missing program stays
     * an {@link io.kubermesh.api.EnvironmentException} with the package to install.
     */
    static String run(CommandLine command, Duration timeout) {
        try {
            return Command.run(command, timeout, "iproute2");
        } catch (RoutingDaemonException e) {
            throw new SubstrateException(e.getMessage(), e);
        }
    }

    /** Runs {@code ip -j ARGS}: its JSON array (empty when ip printed nothing, as it does for no routes). */
    static JsonNode json(String... args) {
        String[] all = new String[args.length + 1];
        all[0] = "-j";
        System.arraycopy(args, 0, all, 1, args.length);
        String out = run(all);
        if (out.isBlank()) {
            return JSON.createArrayNode();
        }
        try {
            return JSON.readTree(out);
        } catch (IOException e) {
            throw new SubstrateException("ip " + String.join(" ", all) + " printed what is not JSON: " + e.getMessage(), e);
        }
    }
}
