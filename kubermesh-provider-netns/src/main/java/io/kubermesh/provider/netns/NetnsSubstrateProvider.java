package io.kubermesh.provider.netns;

import io.kubermesh.api.EnvironmentException;
import io.kubermesh.spi.Substrate;
import io.kubermesh.spi.SubstrateConfig;
import io.kubermesh.spi.SubstrateProvider;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code netns}: the embedded lab substrate that runs on any Linux host as root. A machine is a
 * network namespace, a cable is a veth pair between two machines' ports. Options:
 * {@code netns.prefix} (namespace name prefix, must start with {@code km}; default
 * {@code km<cluster name>-}); {@code netns.class-archive} ({@code use}, the default, or
 * {@code off}: the machines' JVMs without the class archive).
 */
public final class NetnsSubstrateProvider implements SubstrateProvider {
    public static final String NAME = "netns";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "machines are network namespaces, cables are veth pairs (Linux, root); options netns.prefix,"
                + " netns.class-archive=use|off";
    }

    @Override
    public void checkEnvironment() {
        if (!"root".equals(System.getProperty("user.name")) && !isRoot()) {
            throw new EnvironmentException("the netns substrate creates network namespaces and needs root",
                    "run the command as root (sudo)");
        }
        if (!Files.isDirectory(Path.of("/proc/self/ns")) || !Files.exists(Path.of("/proc/self/ns/net"))) {
            throw new EnvironmentException("this kernel has no network namespaces (/proc/self/ns/net)",
                    "a Linux kernel with CONFIG_NET_NS");
        }
    }

    private static boolean isRoot() {
        try {
            return Files.readString(Path.of("/proc/self/status")).lines()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[1].equals("0"));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    @Override
    public Substrate create(SubstrateConfig config) {
        checkEnvironment();
        return NetnsSubstrate.open(config);
    }
}
