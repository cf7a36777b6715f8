package io.kubermesh.provider.baremetal.substrate;

import io.kubermesh.addressing.site.SiteConfig;
import io.kubermesh.addressing.site.SiteInventory;
import io.kubermesh.api.ConfigurationException;
import io.kubermesh.api.EnvironmentException;
import io.kubermesh.api.HostRequirements;
import io.kubermesh.spi.PowerDrivers;
import io.kubermesh.spi.PowerPolicy;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code baremetal}: the machines of a site inventory ({@code site=FILE}, the CLI's {@code --site}),
 * powered through their BMCs, the gateway on this host. Options: {@code site} (required),
 * {@code baremetal.netns} (the gateway's namespace, default {@code km<cluster>-gw}), {@code baremetal.ports}
 * ({@code host}, the default: this host's NICs with the gateway's inventory MACs become its ports;
 * {@code tap}: a tap per NIC, for VMs standing for the machines),
 * {@code baremetal.soft-off} (seconds a machine is given to shut down before its power is cut,
 * default that of {@link PowerPolicy#DEFAULT}), {@code baremetal.boot-timeout}, and
 * {@value SubstrateConfig#NODE_IMAGE} (the node image the gateway serves; {@code up} builds one).
 */
public final class BaremetalSubstrateProvider implements SubstrateProvider {
    public static final String SITE = "site";
    public static final String NETNS = "baremetal.netns";
    /** {@code host} (default): the gateway's ports are this host's NICs; {@code tap}: taps for VMs to plug into. */
    public static final String PORTS = "baremetal.ports";
    public static final String SOFT_OFF = "baremetal.soft-off";
    /** Seconds a machine may take from power-on until its agent answers (POST, netboot, install, boot); 900 by default. */
    public static final String BOOT_TIMEOUT = "baremetal.boot-timeout";

    @Override
    public String name() {
        return BaremetalSubstrate.NAME;
    }

    @Override
    public String description() {
        return "real machines of a site inventory (--site), powered through their BMCs (IPMI, Redfish, Wake-on-LAN)";
    }

    @Override
    public void checkEnvironment() {
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new EnvironmentException("the baremetal substrate needs root (it makes the gateway's namespace and ports)",
                    "run it as root: sudo kubermesh up --substrate baremetal ...");
        }
        for (String[] p : new String[][] {{"ip", "iproute2"}, {"nsenter", "util-linux"}, {"setsid", "util-linux"}}) {
            if (!onPath(p[0])) {
                throw new EnvironmentException("the baremetal substrate needs " + p[0], "apt-get install -y " + p[1]);
            }
        }
    }

    /**
     * True unless the options name an image: the gateway serves the node OS to the machines that
     * netboot from it, built with the lab's cluster file like the VMs' ({@code up} builds it).
     */
    @Override
    public boolean needsNodeImage(java.util.Map<String, String> options) {
        return !options.containsKey(SubstrateConfig.NODE_IMAGE);
    }

    @Override
    public Substrate create(SubstrateConfig config) {
        String file = config.option(SITE).orElseThrow(() -> new ConfigurationException("--site", null,
                "the site inventory (site.yaml) the baremetal substrate powers; see docs/baremetal.md"));
        SiteInventory site = SiteConfig.load(Path.of(file));
        String netns = config.option(NETNS).orElse("km" + config.cluster().name() + "-gw");
        if (!netns.matches("km[a-z0-9-]{1,30}")) {
            throw new ConfigurationException(NETNS, netns, "km followed by 1..30 of a-z, 0-9, '-'");
        }
        GatewayPorts ports = GatewayPorts.of(config.option(PORTS).orElse(GatewayPorts.HOST.option()));
        PowerPolicy policy = PowerPolicy.DEFAULT;
        if (config.option(SOFT_OFF).isPresent()) {
            String s = config.option(SOFT_OFF).get();
            try {
                policy = policy.withSoftOff(Duration.ofSeconds(Long.parseLong(s)));
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(SOFT_OFF, s, "whole seconds, 0 or more");
            }
        }
        Duration boot = BaremetalSubstrate.BOOT_TIMEOUT;
        if (config.option(BOOT_TIMEOUT).isPresent()) {
            String s = config.option(BOOT_TIMEOUT).get();
            try {
                boot = Duration.ofSeconds(Long.parseLong(s));
            } catch (NumberFormatException e) {
                boot = Duration.ZERO;
            }
            if (boot.isNegative() || boot.isZero() || boot.compareTo(Duration.ofDays(1)) > 0) {
                throw new ConfigurationException(BOOT_TIMEOUT, s, "whole seconds, 1 to 86400");
            }
        }
        java.util.Optional<String> image = config.option(SubstrateConfig.NODE_IMAGE);
        return new BaremetalSubstrate(site, new io.kubermesh.addressing.AddressPlan(config.cluster()), config.stateDirectory(), netns,
                ports, policy, boot, PowerDrivers.drivers(BaremetalSubstrateProvider.class.getClassLoader()), image);
    }

    private static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
