package io.kubermesh.examples.shaped;

import io.kubermesh.api.SubstrateException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a bad link is: a rate, how long a packet may wait for it, and a loss probability, applied
 * to one end of a cable (the interface {@code clusterI} in a machine's network namespace). tbf
 * shapes what leaves the port; the ip6tables rules drop that share of what arrives on it, both
 * what is for the machine (INPUT) and what it forwards (FORWARD), OSPF hellos included. Loss is
 * taken where a packet arrives, not where it leaves: a packet dropped in OUTPUT fails its
 * sender's sendto with EPERM, which no lossy cable does.
 *
 * @param rate a tc rate ({@code 10mbit})
 * @param latency a tc time ({@code 50ms})
 * @param loss the probability, 0 to 1, that a packet arriving on the port is dropped
 */
record LinkShape(String rate, String latency, double loss) {
    /** tbf needs a bucket at least one MTU deep; 32 KiB lets a burst of a few packets through at any rate. */
    static final String BURST = "32kb";

    /** Shapes port {@code port} in namespace {@code netns}. */
    void apply(String netns, String port) {
        run(netns, "tc", "qdisc", "replace", "dev", port, "root", "tbf", "rate", rate, "burst", BURST, "latency", latency);
        if (loss > 0) {
            for (String chain : List.of("INPUT", "FORWARD")) {
                run(netns, rule("-A", chain, port));
            }
        }
    }

    /** Removes the loss rules of a port whose cable was cut (its qdisc went with its link). */
    void remove(String netns, String port) {
        if (loss > 0) {
            for (String chain : List.of("INPUT", "FORWARD")) {
                try {
                    run(netns, rule("-D", chain, port));
                } catch (SubstrateException e) {
                    // not there (the machine was reset): nothing to remove
                }
            }
        }
    }

    private String[] rule(String action, String chain, String port) {
        return new String[] {"ip6tables", "-w", action, chain, "-i", port, "-m", "statistic", "--mode", "random",
                "--probability", String.format(Locale.ROOT, "%.6f", loss), "-j", "DROP"};
    }

    private static void run(String netns, String... command) {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        cmd.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new SubstrateException(String.join(" ", cmd) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new SubstrateException("cannot run " + String.join(" ", cmd) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SubstrateException("interrupted running " + String.join(" ", cmd), e);
        }
    }
}
