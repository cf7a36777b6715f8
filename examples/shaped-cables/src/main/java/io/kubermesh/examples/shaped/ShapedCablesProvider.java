package io.kubermesh.examples.shaped;

import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * {@code shaped}: lab machines whose cables are bad links. Every cable gets, at both ends, a
 * token-bucket bandwidth limit ({@code tc qdisc tbf}) and random loss of arriving packets
 * ({@code ip6tables -m statistic}; this kernel has no netem). The machines themselves are those
 * of the {@code netns} provider, found by name through {@link ServiceLoader} like any provider and
 * used only through the SPI: this plug-in imports no other provider.
 *
 * <p>Options: {@code shaped.rate} (tc rate, default {@value #DEFAULT_RATE}), {@code shaped.loss}
 * (probability a packet arriving on a port is dropped, 0 to 1, default {@value #DEFAULT_LOSS}),
 * {@code shaped.latency} (how long tbf queues a packet before dropping it, default
 * {@value #DEFAULT_LATENCY}); every other option goes to the netns provider.
 */
public final class ShapedCablesProvider implements SubstrateProvider {
    static final String DEFAULT_RATE = "100mbit";
    static final String DEFAULT_LOSS = "0.01";
    static final String DEFAULT_LATENCY = "50ms";
    static final String MACHINES = "netns";

    @Override
    public String name() {
        return "shaped";
    }

    @Override
    public String description() {
        return "netns machines, cables with a bandwidth limit and loss (tc tbf, ip6tables statistic); options"
                + " shaped.rate, shaped.loss, shaped.latency (example plug-in)";
    }

    @Override
    public void checkEnvironment() {
        machines().checkEnvironment();
        for (String tool : new String[] {"/usr/sbin/tc", "/usr/sbin/ip6tables"}) {
            if (!Files.isExecutable(Path.of(tool))) {
                throw new EnvironmentException("the shaped substrate needs " + tool, "apt-get install -y iproute2 iptables");
            }
        }
    }

    @Override
    public Substrate create(SubstrateConfig config) {
        checkEnvironment();
        Map<String, String> rest = new LinkedHashMap<>(config.options());
        String rate = option(rest, "shaped.rate", DEFAULT_RATE);
        String loss = option(rest, "shaped.loss", DEFAULT_LOSS);
        String latency = option(rest, "shaped.latency", DEFAULT_LATENCY);
        if (!rate.matches("\\d+(\\.\\d+)?([kmg]?bit|[kmg]?bps)")) {
            throw new ConfigurationException("shaped.rate", rate, "a tc rate such as 10mbit, 512kbit or 1gbit");
        }
        if (!latency.matches("\\d+(ms|us|s)")) {
            throw new ConfigurationException("shaped.latency", latency, "a tc time such as 50ms");
        }
        double p;
        try {
            p = Double.parseDouble(loss);
        } catch (NumberFormatException e) {
            p = -1;
        }
        if (!(p >= 0 && p < 1)) {
            throw new ConfigurationException("shaped.loss", loss, "a probability from 0 up to (not including) 1, such as 0.01");
        }
        Substrate base = machines().create(new SubstrateConfig(config.cluster(), config.stateDirectory(), rest));
        return new ShapedSubstrate(base, new LinkShape(rate, latency, p));
    }

    private static String option(Map<String, String> options, String key, String otherwise) {
        String v = options.remove(key);
        return v == null ? otherwise : v.trim();
    }

    /** The provider of the machines, by name, as the CLI finds providers. */
    private static SubstrateProvider machines() {
        return ServiceLoader.load(SubstrateProvider.class, ShapedCablesProvider.class.getClassLoader()).stream()
                .map(ServiceLoader.Provider::get).filter(p -> p.name().equals(MACHINES)).findFirst()
                .orElseThrow(() -> new EnvironmentException("the shaped substrate shapes the cables of the " + MACHINES
                        + " substrate, which is not on the class path", "run it through the kubermesh CLI, which has it"));
    }
}
