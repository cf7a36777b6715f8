package io.kubermesh.provider.baremetal.substrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ip} (iproute2) for what the gateway needs beyond {@link io.kubermesh.routing.netlink.Rtnetlink}:
 * taps, a link moved into a namespace and renamed in one step, and the JSON views ({@code ip -j})
 * of a link's master, lower links, IPv4 addresses and routes of every table.
 */
final class IpCommand {
    private static final ObjectMapper JSON = new ObjectMapper();

    private IpCommand() {
    }

    /** Runs {@code ip ARGS}; its standard output. A non-zero exit is a {@link SubstrateException} with the command and what ip said. */
    static String run(String... args) {
        List<String> command = HostRequirements.IP.args(args).argv();
        try {
            Process p = HostRequirements.IP.args(args).processBuilder().start();
            p.getOutputStream().close();
            // ip prints little on either stream: reading one after the other cannot fill a pipe.
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new SubstrateException(String.join(" ", command) + " did not finish within 10 s");
            }
            if (p.exitValue() != 0) {
                throw new SubstrateException(String.join(" ", command) + " failed: " + (err + out).strip());
            }
            return out;
        } catch (IOException e) {
            throw new EnvironmentException("ip could not be started (" + e.getMessage() + ")", "apt-get install -y iproute2");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted while running " + String.join(" ", command));
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
